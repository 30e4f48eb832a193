// The CLI as a handful of CommonJS files (dist/cli/), built from tsc's output (dist/cmd/entry.js).
// Why: Node 20 loads each ES module file on its own (resolve, read, compile, link); the CLI's
// ~130 modules and its libraries' cost 69 ms before `install` starts work, against 31 ms for the
// same code in chunks (`await import(...)` timed in a fresh node, 5 runs each). dist/ itself
// stays as tsc writes it: the library entry (dist/index.js) and its types.
// CommonJS, not ESM: Node 20 can keep a V8 code cache only for code it compiles through the
// CommonJS loader (src/cmd/code-cache.ts); the CommonJS chunks also loaded a little faster than
// the ESM ones (corpus install 280 / 290 against 290 / 300 ms, 15 alternating runs).
// Every chunk but the entry (wheelhouse.cjs) has a content hash in its name: the code cache
// is keyed by file name, as V8 checks a cache against the source's length only.
// Kept out of the chunks:
// - better-sqlite3: a native addon, found by its own package at run time;
// - undici: loaded with require() from its own files (src/mirror/upstream/dispatcher.ts), which a
//   bundle would not speed up (measured: 24-34 ms either way).
import { defineConfig } from "rolldown";

export default defineConfig({
  input: { wheelhouse: "dist/cmd/entry.js" },
  platform: "node",
  external: ["better-sqlite3", /^undici(\/|$)/],
  output: {
    dir: "dist/cli",
    format: "cjs",
    entryFileNames: "[name].cjs",
    chunkFileNames: "[name]-[hash].cjs",
    sourcemap: true,
    cleanDir: true,
  },
});
