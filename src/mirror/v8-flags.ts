// The V8 flags wheelhouse runs with (tuneV8(), called first by the CLI), and V8's defaults for
// the moments that need them (untunedWhile()).
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
// - The young generation grows 8 times at a step instead of 2 (--semi-space-growth-factor; its
//   size at start can only be set on the command line): the corpus install's main thread ran 11
//   scavenges, now 6, 4-5 ms less at the median (two rounds of 30 alternating runs on tmpfs;
//   the 120 small wheels unchanged).
// - Node's own modules come with bytecode compiled ahead of time, and V8 takes bytecode only
//   when the flags are the ones it was made with: once any flag differs, each of Node's modules
//   loaded afterwards is compiled from source (crypto, zlib, child_process, worker_threads and
//   fs/promises: 4 ms -> 11 ms), and so is all of a worker thread's start-up (20 -> 38 ms).
//   So the modules the commands use are loaded before the flags change, and a worker thread
//   starts while the flags are V8's defaults (untunedWhile(), for the ~20 ms of its start).
// - Setting a flag back is not always enough: --liftoff-only also turned off --wasm-tier-up and
//   --wasm-dynamic-tiering (V8's flag implications), so DEFAULTS names those too. Were a Node
//   version to imply more, the cost is speed only: the bytecode is refused and compiled again.
// - The CLI's own code cache (../cmd/code-cache.ts) is made and read with the tuned flags
//   (withTunedFlags()), whatever window is open then.
// Source: https://nodejs.org/api/v8.html#v8setflagsfromstringflags; V8's defaults:
// `node --v8-options` (--interrupt-budget=67584 in Node 20).

import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";

/** V8's default --interrupt-budget in Node 20 (V8 11.3), in bytes of bytecode. */
const DEFAULT_INTERRUPT_BUDGET = 67_584;

const TUNED = [
  "--liftoff-only",
  `--interrupt-budget=${8 * DEFAULT_INTERRUPT_BUDGET}`,
  "--semi-space-growth-factor=8",
];
const DEFAULTS = [
  "--no-liftoff-only",
  "--wasm-tier-up",
  "--wasm-dynamic-tiering",
  `--interrupt-budget=${DEFAULT_INTERRUPT_BUDGET}`,
  "--semi-space-growth-factor=2",
];

/**
 * Node's modules the commands load, loaded before the flags change (about 5 ms at start, where
 * loading them after would cost 2.5 times as much). Not TLS or the HTTP server: install never
 * needs them, and `serve` runs long.
 */
const BUILTINS = [
  "node:child_process",
  "node:crypto",
  "node:fs/promises",
  "node:os",
  "node:perf_hooks",
  "node:worker_threads",
  "node:zlib",
];

let tuned = false;
let windows = 0;

function set(flags: string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}

/** Load Node's modules the commands use, then set the tuned flags. Once per process. */
export function tuneV8(): void {
  if (tuned) return;
  const load = createRequire(import.meta.url);
  for (const name of BUILTINS) load(name);
  set(TUNED);
  tuned = true;
}

/**
 * V8's default flags from now until the returned function is called (several may be open; the
 * tuned flags come back when the last closes; closing twice is a no-op). For starting a worker
 * thread. A no-op before tuneV8().
 */
export function untunedWhile(): () => void {
  if (!tuned) return () => {};
  if (windows++ === 0) set(DEFAULTS);
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    if (--windows === 0) set(TUNED);
  };
}

/** Run `fn` with the tuned flags, even inside an untunedWhile() window. */
export function withTunedFlags<T>(fn: () => T): T {
  if (windows === 0) return fn();
  set(TUNED);
  try {
    return fn();
  } finally {
    set(DEFAULTS);
  }
}
