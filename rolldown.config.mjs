// The CLI as a handful of files (dist/cli/), built from tsc's output (dist/cmd/main.js).
// Why: Node 20 loads each ES module file on its own (resolve, read, compile, link); the CLI's
// ~130 modules and its libraries' cost 69 ms before `install` starts work, against 31 ms for the
// same code in chunks (`await import(...)` timed in a fresh node, 5 runs each). dist/ itself
// stays as tsc writes it: the library entry (dist/index.js) and its types.
// Kept out of the chunks:
// - better-sqlite3: a native addon, found by its own package at run time;
// - undici: loaded with require() from its own files (src/mirror/upstream/dispatcher.ts), which a
//   bundle would not speed up (measured: 24-34 ms either way).
import { defineConfig } from "rolldown";

export default defineConfig({
  input: { main: "dist/cmd/main.js" },
  platform: "node",
  external: ["better-sqlite3", /^undici(\/|$)/],
  output: {
    dir: "dist/cli",
    format: "esm",
    sourcemap: true,
    cleanDir: true,
  },
});
