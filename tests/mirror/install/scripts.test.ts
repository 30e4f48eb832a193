import { describe, expect, it } from "vitest";
import { rewriteShebang, shebang } from "../../../src/mirror/install/scripts.js";

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
      ["#!python3 -I -u\nx\n", `#!${PY} -I -u\nx\n`],
      ["#!python", `#!${PY}\n`],
    ];
    for (const [input, expected] of table) expect(rewrite(input)).toBe(expected);
  });

  it("leaves other scripts alone", () => {
    for (const input of ["#!/usr/bin/env python\nx\n", "#! python\nx\n", "print(1)\n", ""]) {
      expect(rewrite(input)).toBe(input);
    }
  });

  it("falls back to a /bin/sh launcher for an interpreter path with spaces", () => {
    const out = rewriteShebang(Buffer.from("#!python3\nx\n"), "/my venv/bin/python").toString();
    expect(out).toBe(`${shebang("/my venv/bin/python")}x\n`);
  });
});
