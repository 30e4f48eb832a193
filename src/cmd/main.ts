// The `wheelhouse` CLI: builds the program and runs it (started by entry.ts when built).
// Exit codes: 0 success, 1 the work failed (an error was printed), 2 usage error (unknown
// command or flag, bad flag value).

import "./v8-flags.js";
import { run } from "./program.js";

// `wheelhouse list --json | head`: the reader went away; stop quietly, as Unix tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

// No top-level await: the built CLI is CommonJS (see entry.ts).
void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
