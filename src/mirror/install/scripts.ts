// Scripts a wheel installs: launchers for console_scripts and gui_scripts entry points, and the
// `#!python` shebang of `.data/scripts/` files, both pointing at the target interpreter.
// Spec: https://packaging.python.org/en/latest/specifications/entry-points/
// https://packaging.python.org/en/latest/specifications/binary-distribution-format/#recommended-installer-features
// Traps:
// - The kernel truncates shebang lines (127 bytes on older Linux) and splits them on spaces:
//   such interpreters are started through /bin/sh with a line that is a no-op string in Python.
// - `module:attr.sub` calls attr.sub(); the `[extras]` suffix of an entry point is ignored.
// - Only POSIX launchers: Windows .exe launchers are not written.

import { quote, WheelhouseError } from "../../pep/errors.js";

/** A launcher to write into the scripts directory. */
export interface LauncherScript {
  name: string;
  content: string;
}

/** The first line(s) that make a script run with `python`. */
export function shebang(python: string): string {
  if (python.length <= 120 && !/\s/.test(python)) return `#!${python}\n`;
  return `#!/bin/sh\n'''exec' ${JSON.stringify(python)} "$0" "$@"\n' '''\n`;
}

/**
 * Replace a first line that starts with `#!python` (the wheel spec's test: `#!python`,
 * `#!pythonw`, `#!python3`, `#!python3.11`) with {@link shebang}, keeping arguments after the
 * interpreter word (`#!python -u`).
 */
export function rewriteShebang(bytes: Buffer, python: string): Buffer {
  const m = /^#!python[^ \t\r\n]*/.exec(bytes.subarray(0, 64).toString("latin1"));
  if (!m) return bytes;
  const eol = bytes.indexOf(0x0a);
  const firstLine = bytes
    .subarray(m[0].length, eol === -1 ? bytes.length : eol)
    .toString("utf8")
    .replace(/\r$/, "");
  const rest = eol === -1 ? Buffer.alloc(0) : bytes.subarray(eol + 1);
  const head = shebang(python);
  const args = firstLine.trim();
  const line = args && head.startsWith(`#!${python}`) ? `#!${python} ${args}\n` : head;
  return Buffer.concat([Buffer.from(line), rest]);
}

/**
 * Launchers for the console_scripts and gui_scripts of an entry_points.txt (INI text).
 * @throws WheelhouseError "INVALID_ENTRY_POINT" naming the wheel and the line.
 */
export function entryPointScripts(
  text: string,
  python: string,
  filename: string,
): LauncherScript[] {
  const out: LauncherScript[] = [];
  let section = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1].trim();
      continue;
    }
    if (section !== "console_scripts" && section !== "gui_scripts") continue;
    const m = /^([^=]+?)\s*=\s*([\w.]+)\s*:\s*([\w.]+)\s*(\[.*\])?$/.exec(line);
    if (!m || m[1].includes("/") || m[1].includes("\\")) {
      throw new WheelhouseError(
        "INVALID_ENTRY_POINT",
        `wheel ${quote(filename)} has an invalid entry point ${quote(line)}`,
        {
          hint: "an entry point is name = module:object",
        },
      );
    }
    const [, name, module, attr] = m;
    const [head] = attr.split(".");
    out.push({
      name,
      content:
        `${shebang(python)}# Launcher for ${module}:${attr}, written by wheelhouse.\n` +
        "import re\nimport sys\n" +
        `from ${module} import ${head}\n` +
        'if __name__ == "__main__":\n' +
        '    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])\n' +
        `    sys.exit(${attr}())\n`,
    });
  }
  return out;
}
