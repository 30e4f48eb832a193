import { describe, expect, it } from "vitest";
import {
  entryPointScripts,
  isEntryPointWrapper,
  rewriteShebang,
  shebang,
} from "../../../src/mirror/install/scripts.js";

const PY = "/venv/bin/python";
const rewrite = (text: string) => rewriteShebang(Buffer.from(text), PY).toString("utf8");

describe("rewriteShebang", () => {
  it("rewrites every first line that starts with #!python, as the wheel spec says", () => {
    const table: [string, string][] = [
      ["#!python\nx\n", `#!${PY}\nx\n`],
      ["#!pythonw\nx\n", `#!${PY}\nx\n`],
      ["#!python3\nx\n", `#!${PY}\nx\n`],
      ["#!python3.11\r\nx\n", `#!${PY}\nx\n`],
      ["#!python -u\nx\n", `#!${PY} -u\nx\n`],
      ["#!python3 -Iu \r\nx\n", `#!${PY} -Iu\nx\n`],
      ["#!python", `#!${PY}\n`],
    ];
    for (const [input, expected] of table) expect(rewrite(input)).toBe(expected);
  });

  it("starts through /bin/sh when the line holds several arguments (the kernel would pass them as one)", () => {
    expect(rewrite("#!python3 -I -u\nx\n")).toBe(
      `#!/bin/sh\n'''exec' "${PY}" '-I' '-u' "$0" "$@"\n' '''\nx\n`,
    );
    expect(rewrite("#!python -X 'a'\nx\n")).toBe(
      `#!/bin/sh\n'''exec' "${PY}" '-X' ''"'"'a'"'"'' "$0" "$@"\n' '''\nx\n`,
    );
  });

  it("leaves other scripts alone", () => {
    for (const input of ["#!/usr/bin/env python\nx\n", "#! python\nx\n", "print(1)\n", ""]) {
      expect(rewrite(input)).toBe(input);
    }
  });

  it("falls back to a /bin/sh launcher for an interpreter path with spaces, arguments kept", () => {
    const out = rewriteShebang(Buffer.from("#!python3\nx\n"), "/my venv/bin/python").toString();
    expect(out).toBe(`${shebang("/my venv/bin/python")}x\n`);
    const withArg = rewriteShebang(Buffer.from("#!python -u\nx\n"), "/my venv/bin/python");
    expect(withArg.toString()).toBe(
      `#!/bin/sh\n'''exec' "/my venv/bin/python" '-u' "$0" "$@"\n' '''\nx\n`,
    );
  });
});

describe("entryPointScripts", () => {
  const names = (text: string, version?: number[]) =>
    entryPointScripts(text, PY, "x-1.0-py3-none-any.whl", version).map((s) => s.name);

  it("writes one launcher per name: a repeated name keeps its last value, gui over console", () => {
    const scripts = entryPointScripts(
      "[console_scripts]\na = m:one\na = m:two\nb = m:f\n[gui_scripts]\nb = m:g\n",
      PY,
      "x-1.0-py3-none-any.whl",
    );
    expect(scripts.map((s) => s.name)).toEqual(["a", "b"]);
    expect(scripts[0].content).toContain("sys.exit(two())");
    expect(scripts[1].content).toContain("sys.exit(g())");
  });

  it("names pip's and easy_install's versioned launchers after the target Python (pip's rule)", () => {
    const text =
      "[console_scripts]\npip = p:m\npip3 = p:m\npip3.10 = p:m\neasy_install = s:m\neasy_install-3.10 = s:m\npipx = q:m\n";
    expect(names(text, [3, 12])).toEqual([
      "pip",
      "pip3",
      "pip3.12",
      "easy_install",
      "easy_install-3.12",
      "pipx",
    ]);
    // Without a version (callers that do not know it), the names stay as the wheel gives them.
    expect(names(text)).toEqual([
      "pip",
      "pip3",
      "pip3.10",
      "easy_install",
      "easy_install-3.10",
      "pipx",
    ]);
    // pip3.10 alone (no `pip` entry) is an ordinary name.
    expect(names("[console_scripts]\npip3.10 = p:m\n", [3, 12])).toEqual(["pip3.10"]);
  });
});

describe("isEntryPointWrapper", () => {
  it("matches setuptools' wrappers of an entry point, as pip skips them", () => {
    const eps = new Set(["tool", "Gui"]);
    const table: [string, boolean][] = [
      ["tool", true],
      ["tool.exe", true],
      ["tool.EXE", true],
      ["tool-script.py", true],
      ["tool.pya", true],
      ["Gui-script.py", true],
      ["gui", false],
      ["tool.py", false],
      ["tool2", false],
      ["other.exe", false],
    ];
    for (const [name, expected] of table)
      expect([name, isEntryPointWrapper(name, eps)]).toEqual([name, expected]);
  });
});
