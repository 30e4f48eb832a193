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
// - undici: loaded with require() from its own files (src/mirror/http/dispatcher.ts), which a
//   bundle would not speed up (measured: 24-34 ms either way).
// The entry starts with a launcher: two lines that are both sh and JavaScript. The kernel runs
// the file with /bin/sh, which moves NODE_EXTRA_CA_CERTS aside (to WHEELHOUSE_DEFERRED_CA_CERTS,
// see src/mirror/deferred-ca-certs.ts: Node 20 would parse those certificates at every start,
// 0.03 s here) and then runs `node` on this same file ("$0": npm's bin symlink, which node
// follows). Node skips the #! line and reads the second line as a directive (":") followed by
// a comment. `node dist/cli/wheelhouse.cjs` skips the launcher and works as well.
// Windows: npm's shim needs a sh for it (Git for Windows has one); else run it with node.
import { chmodSync } from "node:fs";
import { defineConfig } from "rolldown";

const LAUNCHER = [
  "#!/bin/sh",
  '":" //; [ -n "$NODE_EXTRA_CA_CERTS" ] && { WHEELHOUSE_DEFERRED_CA_CERTS=$NODE_EXTRA_CA_CERTS; export WHEELHOUSE_DEFERRED_CA_CERTS; unset NODE_EXTRA_CA_CERTS; }; exec node "$0" "$@"',
].join("\n");

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
    postBanner: (chunk) => (chunk.isEntry ? LAUNCHER : ""),
  },
  plugins: [
    {
      name: "executable-entry",
      writeBundle(options, bundle) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type === "chunk" && chunk.isEntry) {
            chmodSync(`${options.dir}/${chunk.fileName}`, 0o755);
          }
        }
      },
    },
  ],
});
