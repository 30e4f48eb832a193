// Scripts a wheel installs: launchers for console_scripts and gui_scripts entry points, and the
// `#!python` shebang of `.data/scripts/` files, both pointing at the target interpreter.
// Spec: https://packaging.python.org/en/latest/specifications/entry-points/
// https://packaging.python.org/en/latest/specifications/binary-distribution-format/#recommended-installer-features
// Traps:
// - The kernel truncates shebang lines (127 bytes on older Linux), splits them on spaces, and
//   passes everything after the interpreter as ONE argument (`-I -u` reaches Python as "-I -u",
//   which it refuses): such interpreters and arguments are started through /bin/sh with a line
//   that is a no-op string in Python.
// - `module:attr.sub` calls attr.sub(); the `[extras]` suffix of an entry point is ignored.
// - pip's launchers for pip and easy_install are named after the TARGET Python (pip3.11), not
//   the one that built the wheel (pip-24.0's wheel says pip3.10): as pip does.
// - `.data/scripts/` files named after an entry point (NAME, NAME.exe, NAME-script.py,
//   NAME.pya: setuptools' own wrappers) are not installed; the launcher takes their place.
// - Only POSIX launchers: Windows .exe launchers are not written.

import { quote, WheelhouseError } from "../../pep/errors.js";

/** A launcher to write into the scripts directory. */
export interface LauncherScript {
  name: string;
  content: string;
}

/** One entry of the console_scripts or gui_scripts group. */
export interface ScriptEntryPoint {
  group: "console_scripts" | "gui_scripts";
  name: string;
  module: string;
  /** Dotted attribute path inside the module (`obj.method`). */
  attr: string;
}

/** Arguments a kernel shebang line can carry: nothing, or one word (it is passed whole). */
function fitsKernel(python: string, args: string[]): boolean {
  const line = `#!${[python, ...args].join(" ")}`;
  return line.length <= 122 && !/\s/.test(python) && args.length <= 1;
}

/** sh single-quoting of one word. */
function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/**
 * The first line(s) that make a script run with `python` and interpreter arguments `args`
 * (words, e.g. ["-I", "-u"]).
 */
export function shebang(python: string, args: string[] = []): string {
  if (fitsKernel(python, args)) return `#!${[python, ...args].join(" ")}\n`;
  const words = [JSON.stringify(python), ...args.map(shQuote)].join(" ");
  return `#!/bin/sh\n'''exec' ${words} "$0" "$@"\n' '''\n`;
}

/**
 * Replace a first line that starts with `#!python` (the wheel spec's test: `#!python`,
 * `#!pythonw`, `#!python3`, `#!python3.11`) with {@link shebang}, keeping the arguments after
 * the interpreter word (`#!python -u`).
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
  const args = firstLine.trim().split(/\s+/).filter(Boolean);
  return Buffer.concat([Buffer.from(shebang(python, args)), rest]);
}

/**
 * The console_scripts and gui_scripts entries of an entry_points.txt (INI text), in file order;
 * a name given twice in a group keeps its last value, as importlib.metadata's reading does.
 * @throws WheelhouseError "INVALID_ENTRY_POINT" naming the wheel and the line.
 */
export function readScriptEntryPoints(text: string, filename: string): ScriptEntryPoint[] {
  const out = new Map<string, ScriptEntryPoint>();
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
    out.set(`${section}\0${name}`, { group: section, name, module, attr });
  }
  return [...out.values()];
}

/**
 * Whether a `.data/scripts/` file named `basename` is a wrapper setuptools wrote for one of the
 * entry points `names` (NAME, NAME.exe, NAME-script.py, NAME.pya): pip does not install those.
 */
export function isEntryPointWrapper(basename: string, names: Set<string>): boolean {
  const lower = basename.toLowerCase();
  let stem = basename;
  if (lower.endsWith(".exe") || lower.endsWith(".pya")) stem = basename.slice(0, -4);
  else if (lower.endsWith("-script.py")) stem = basename.slice(0, -10);
  return names.has(stem);
}

/**
 * The console scripts to write, as pip names them: an entry point `pip` gives pip, pipX and
 * pipX.Y of the target Python (`version`) and drops the wheel's other pipN[.M] entries;
 * `easy_install` gives easy_install and easy_install-X.Y likewise.
 */
function consoleScripts(entries: ScriptEntryPoint[], version?: readonly number[]) {
  if (version === undefined) return entries;
  const [major, minor] = version;
  const out: ScriptEntryPoint[] = [];
  let rest = entries;
  const pip = entries.find((e) => e.name === "pip");
  if (pip) {
    for (const name of ["pip", `pip${major}`, `pip${major}.${minor}`]) out.push({ ...pip, name });
    rest = rest.filter((e) => !/^pip(\d+(\.\d+)?)?$/.test(e.name));
  }
  const easy = entries.find((e) => e.name === "easy_install");
  if (easy) {
    for (const name of ["easy_install", `easy_install-${major}.${minor}`])
      out.push({ ...easy, name });
    rest = rest.filter((e) => !/^easy_install(-\d+\.\d+)?$/.test(e.name));
  }
  return [...out, ...rest];
}

/**
 * Launchers for the console_scripts and gui_scripts of an entry_points.txt (INI text), one per
 * name (a gui script wins over a console script of the same name). `version`: the target
 * Python's [major, minor], which names pip's and easy_install's versioned launchers.
 * @throws WheelhouseError "INVALID_ENTRY_POINT" naming the wheel and the line.
 */
export function entryPointScripts(
  text: string,
  python: string,
  filename: string,
  version?: readonly number[],
): LauncherScript[] {
  const entries = readScriptEntryPoints(text, filename);
  const ordered = [
    ...consoleScripts(
      entries.filter((e) => e.group === "console_scripts"),
      version,
    ),
    ...entries.filter((e) => e.group === "gui_scripts"),
  ];
  const out = new Map<string, LauncherScript>();
  for (const { name, module, attr } of ordered) {
    const [head] = attr.split(".");
    out.delete(name);
    out.set(name, {
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
  return [...out.values()];
}
