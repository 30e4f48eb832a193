// install.ps1 cannot run here (no PowerShell on this machine), so its text is checked for what
// PowerShell needs, and the Python checker it carries is run for real.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK_PY, installPs1 } from "../../../src/mirror/bundle/install-scripts.js";

/** The body of the script's single-quoted here-string: from the line after @' to the line '@. */
function hereString(script: string): string {
  const lines = script.split("\n");
  const open = lines.findIndex((l) => l.endsWith("@'"));
  const close = lines.findIndex((l, i) => i > open && l.startsWith("'@"));
  expect(open).toBeGreaterThanOrEqual(0);
  expect(close).toBeGreaterThan(open);
  return `${lines.slice(open + 1, close).join("\n")}\n`;
}

describe("install.ps1", () => {
  const script = installPs1();

  it("carries the checker verbatim in a here-string closed at the start of a line", () => {
    expect(hereString(script)).toBe(CHECK_PY);
  });

  it("braces every if body (PowerShell refuses `if (...) exit 1`)", () => {
    for (const line of script.split("\n").filter((l) => /^\s*if\s*\(/.test(l))) {
      expect(line).toMatch(/\)\s*\{/);
    }
  });

  it("its checker verifies a bundle and names this interpreter's requirements file", () => {
    const dir = mkdtempSync(join(tmpdir(), "wh-ps1-"));
    try {
      const doc = "hello\n";
      writeFileSync(join(dir, "README.txt"), doc);
      const here = JSON.parse(
        execFileSync(
          "python3",
          [
            "-c",
            "import json,platform,sys;print(json.dumps({'implementation_name':sys.implementation.name,'python_version':'%d.%d'%sys.version_info[:2],'sys_platform':sys.platform,'platform_machine':platform.machine()}))",
          ],
          { encoding: "utf8" },
        ),
      );
      const manifest = {
        documents: [
          {
            path: "README.txt",
            sha256: createHash("sha256").update(doc).digest("hex"),
            size: doc.length,
          },
        ],
        files: [],
        targets: [{ spec: "t", requirements: "requirements-t.txt", environment: here }],
      };
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
      const checker = join(dir, "check.py");
      writeFileSync(checker, hereString(script));
      expect(execFileSync("python3", [checker, dir], { encoding: "utf8" }).trim()).toBe(
        "requirements-t.txt",
      );
      writeFileSync(join(dir, "README.txt"), "altered\n");
      expect(() => execFileSync("python3", [checker, dir], { stdio: "pipe" })).toThrow(
        /README\.txt has sha256/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
