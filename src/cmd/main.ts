#!/usr/bin/env node
// Entry point of the `wheelhouse` CLI: builds the program and runs it.
// Exit codes: 0 success, 1 the work failed (an error was printed), 2 usage error (unknown
// command or flag, bad flag value).

import "./v8-flags.js";
import { run } from "./program.js";

// `wheelhouse list --json | head`: the reader went away; stop quietly, as Unix tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await run(process.argv.slice(2));
