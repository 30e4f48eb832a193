// V8 flags set before anything compiles WebAssembly or runs hot (imported first by main.ts).
// Traps:
// - undici parses HTTP with llhttp compiled to WebAssembly. By default V8 compiles it with
//   Liftoff and then re-optimises hot functions with TurboFan on a background thread; at exit
//   Node waits for those background jobs, which kept every short run that made one request alive
//   70-100 ms longer here (`node one-request.mjs`: exit 100 ms after the last await). Liftoff
//   alone parses the few hundred responses of a run fast enough and lets the process end at once.
// - TurboFan's JavaScript tier-up is asked for 8 times later than V8's default
//   (--interrupt-budget, in bytes of bytecode run): a command lives well under a second, and the
//   optimising compiles it kept starting (background threads, then installing the code and
//   deoptimising) cost more CPU than they saved on 2 cores. Measured on tmpfs, best / median of
//   10-15 alternating runs: installing 120 small wheels 330 / 350 -> 230-250 / 260 ms (CPU 500 ->
//   310-330 ms), the corpus closure 330 / 370 -> 300 / 300 ms, sync of 120 projects with 40 older
//   releases each 0.87 / 0.94 -> 0.79-0.85 / 0.89-0.90 s. --no-opt (no TurboFan at all) did as
//   well for install but made that sync slower (0.97 / 1.02 s): parsing long pages needs it.
//   A long-lived `serve` still optimises its hot paths, a little later.
// Source: https://nodejs.org/api/v8.html#v8setflagsfromstringflags (set before first use);
// V8's defaults: `node --v8-options` (--interrupt-budget=67584 in Node 20).

import { setFlagsFromString } from "node:v8";

/** V8's default --interrupt-budget in Node 20 (V8 11.3), in bytes of bytecode. */
const DEFAULT_INTERRUPT_BUDGET = 67_584;

setFlagsFromString("--liftoff-only");
setFlagsFromString(`--interrupt-budget=${8 * DEFAULT_INTERRUPT_BUDGET}`);
