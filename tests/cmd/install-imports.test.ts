// The install path must work air-gapped: nothing reachable from src/cmd/install.ts may import
// the upstream index client (src/mirror/upstream) or undici. Scans import lines, static and dynamic.
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    // Type-only imports vanish at runtime (`import type`), so they do not count.
    const pattern =
      /\b(?:import|export)\s+(type\s+)?(?:[^;"']*?\sfrom\s+)?["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']/g;
    for (const m of text.matchAll(pattern)) {
      if (m[1]) continue;
      const spec = m[2] ?? m[3];
      if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else
        packages.add(
          spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0],
        );
    }
  };
  visit(entry);
  return { files, packages };
}

describe("install's import graph", () => {
  const { files, packages } = importGraph(join(SRC, "cmd", "install.ts"));
  it("reaches the installer", () => {
    expect([...files].map((f) => relative(SRC, f))).toContain("mirror/install/unpack.ts");
  });
  it("never reaches the upstream client or undici", () => {
    expect(
      [...files].map((f) => relative(SRC, f)).filter((f) => f.startsWith("mirror/upstream")),
    ).toEqual([]);
    expect([...packages].filter((p) => p === "undici")).toEqual([]);
  });
});
