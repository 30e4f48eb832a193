// V8 flags set before anything compiles WebAssembly (imported first by main.ts).
// Trap: undici parses HTTP with llhttp compiled to WebAssembly. By default V8 compiles it with
// Liftoff and then re-optimises hot functions with TurboFan on a background thread; at exit
// Node waits for those background jobs, which kept every short run that made one request alive
// 70-100 ms longer here (`node one-request.mjs`: exit 100 ms after the last await). Liftoff
// alone parses the few hundred responses of a run fast enough and lets the process end at once.
// Source: https://nodejs.org/api/v8.html#v8setflagsfromstringflags (set before first use).

import { setFlagsFromString } from "node:v8";

setFlagsFromString("--liftoff-only");
