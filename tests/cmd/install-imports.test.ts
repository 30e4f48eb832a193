// The install path must work air-gapped: nothing reachable from src/cmd/install.ts may import
// the upstream index client (src/mirror/upstream) or undici. Scans import lines, static and
// dynamic, of the sources, and the requires of the built CLI's chunks (dist/cli, CommonJS, see
// rolldown.config.mjs), where shared modules are grouped into chunks and one could carry the
// client into install's graph.
import { existsSync, readdirSync, readFileSync } from "node:fs";
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

const CLI_DIR = fileURLToPath(new URL("../../dist/cli/", import.meta.url));

const CLI_ENTRY = join(CLI_DIR, "wheelhouse.cjs");

describe.skipIf(!existsSync(CLI_ENTRY))("install's chunks in the built CLI", () => {
  /**
   * The chunks the CLI loads for `command` (CommonJS: `require("./name-hash.cjs")`, lazily inside
   * `Promise.resolve().then(...)` for dynamic imports), and everything they require. The main
   * chunk (the command table, and code every command shares) is searched but its lazy requires
   * are not followed: they are the other commands.
   */
  function chunkGraph(command: string): Set<string> {
    const mainChunk = readdirSync(CLI_DIR).find((f) => /^main-[\w-]+\.cjs$/.test(f)) as string;
    const main = readFileSync(join(CLI_DIR, mainChunk), "utf8");
    const entry = new RegExp(`require\\("\\./(${command}-[\\w-]+\\.cjs)"\\)`).exec(main)?.[1];
    expect(entry, `the main chunk loads a ${command} chunk`).toBeDefined();
    const seen = new Set<string>();
    const visit = (chunk: string) => {
      if (seen.has(chunk)) return;
      seen.add(chunk);
      const text = readFileSync(join(CLI_DIR, chunk), "utf8");
      const pattern =
        chunk === mainChunk
          ? /^(?:const \w+ = )?require\("\.\/([\w.-]+\.cjs)"\);$/gm
          : /\brequire\("\.\/([\w.-]+\.cjs)"\)/g;
      for (const m of text.matchAll(pattern)) visit(m[1]);
    };
    visit(entry as string);
    return seen;
  }

  const upstream = (chunks: Set<string>) =>
    [...chunks].filter((chunk) =>
      /["']undici|function createDispatcher/.test(readFileSync(join(CLI_DIR, chunk), "utf8")),
    );

  it("never reach undici or the upstream client", () => {
    expect(upstream(chunkGraph("install"))).toEqual([]);
  });

  it("while sync's chunks do (the check sees them)", () => {
    expect(upstream(chunkGraph("sync")).length).toBeGreaterThan(0);
  });
});
