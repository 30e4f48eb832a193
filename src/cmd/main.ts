// The `wheelhouse` CLI: builds the program and runs it (started by entry.ts when built).
// Exit codes: 0 success, 1 the work failed (an error was printed), 2 usage error (unknown
// command or flag, bad flag value).

import { tuneV8 } from "../mirror/v8-flags.js";
import { run } from "./program.js";

tuneV8(); // done already when started by entry.ts

// `wheelhouse list --json | head`: the reader went away; stop quietly, as Unix tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

// No top-level await: the built CLI is CommonJS (see entry.ts).
void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // The command's work is done (every command awaits its own). Exiting now skips tearing down
  // V8's heap, which a natural exit does: 4-5 ms after an install (25 alternating runs). Output
  // still queued (a pipe that is not synchronous, as on macOS) is let drain by a natural exit.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0)
    process.exit(code);
});
