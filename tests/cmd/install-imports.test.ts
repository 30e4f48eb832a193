// The install path must work air-gapped: nothing reachable from src/cmd/install.ts may import
// the upstream index client (src/mirror/upstream). The HTTP layer (src/mirror/http, undici) is
// reached only through a dynamic import, made at the first find-links URL, so that installs from
// local folders never load it. Scans import lines, static and dynamic, of the sources, and the
// requires of the built CLI's chunks (dist/cli, CommonJS, see rolldown.config.mjs), where shared
// modules are grouped into chunks and one could carry the client into install's graph.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** Files and packages reachable from `entry`; with `eagerOnly`, through static imports only. */
function importGraph(
  entry: string,
  eagerOnly = false,
): { files: Set<string>; packages: Set<string> } {
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
      if (m[1] || (eagerOnly && m[3])) continue;
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
  const { files } = importGraph(join(SRC, "cmd", "install.ts"));
  it("reaches the installer", () => {
    expect([...files].map((f) => relative(SRC, f))).toContain("mirror/install/unpack.ts");
  });
  it("never reaches the upstream client", () => {
    expect(
      [...files].map((f) => relative(SRC, f)).filter((f) => f.startsWith("mirror/upstream")),
    ).toEqual([]);
  });
  it("reaches the HTTP layer and undici only through a dynamic import", () => {
    const eager = importGraph(join(SRC, "cmd", "install.ts"), true);
    expect([...eager.files].map((f) => relative(SRC, f))).toContain("mirror/install/unpack.ts");
    expect(
      [...eager.files].map((f) => relative(SRC, f)).filter((f) => f.startsWith("mirror/http")),
    ).toEqual([]);
    expect([...eager.packages].filter((p) => p === "undici")).toEqual([]);
    // The lazy part is there (find-links URLs), so the eager check is not vacuous. (The
    // dispatcher requires undici's own files by path, which this scan does not follow.)
    expect(files).toContain(join(SRC, "mirror", "http", "dispatcher.ts"));
  });
});

const CLI_DIR = fileURLToPath(new URL("../../dist/cli/", import.meta.url));

const CLI_ENTRY = join(CLI_DIR, "wheelhouse.cjs");

describe.skipIf(!existsSync(CLI_ENTRY))("install's chunks in the built CLI", () => {
  /**
   * The chunks the CLI loads for `command` (CommonJS: `require("./name-hash.cjs")`, lazily inside
   * `Promise.resolve().then(...)` for dynamic imports), and everything they require. The main
   * chunk (the command table, and code every command shares) is searched but its lazy requires
   * are not followed: they are the other commands. With `eagerOnly`, no lazy require is followed.
   */
  function chunkGraph(command: string, eagerOnly = false): Set<string> {
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
        chunk === mainChunk || eagerOnly
          ? /^(?:const \w+ = )?require\("\.\/([\w.-]+\.cjs)"\);$/gm
          : /\brequire\("\.\/([\w.-]+\.cjs)"\)/g;
      for (const m of text.matchAll(pattern)) visit(m[1]);
    };
    visit(entry as string);
    return seen;
  }

  const holding = (chunks: Set<string>, pattern: RegExp) =>
    [...chunks].filter((chunk) => pattern.test(readFileSync(join(CLI_DIR, chunk), "utf8")));
  const indexClient = /function createIndexClient|function createUpstreamProvider/;
  const httpLayer = /["']undici|function createDispatcher/;

  it("never reach the upstream client, lazily or not", () => {
    expect(holding(chunkGraph("install"), indexClient)).toEqual([]);
  });

  it("load the HTTP layer and undici only lazily", () => {
    expect(holding(chunkGraph("install", true), httpLayer)).toEqual([]);
    expect(holding(chunkGraph("install"), httpLayer).length).toBeGreaterThan(0);
  });

  it("while sync's chunks hold the upstream client (the check sees it)", () => {
    expect(holding(chunkGraph("sync"), indexClient).length).toBeGreaterThan(0);
  });
});
