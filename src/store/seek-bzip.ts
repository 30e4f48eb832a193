// Typed wrapper over seek-bzip (pure-JS bzip2 decoder, MIT), which ships no types.
// Spec: https://github.com/cscott/seek-bzip (Bunzip.decode(input) -> Buffer)
// Trap: the package is CommonJS; createRequire keeps this ESM module free of interop guesses.

import { createRequire } from "node:module";

interface BunzipModule {
  decode(input: Buffer, output?: Buffer, multistream?: boolean): Buffer;
}

const require = createRequire(import.meta.url);

/** seek-bzip's Bunzip: `decode(bytes)` returns the decompressed bytes or throws. */
const Bunzip = require("seek-bzip") as BunzipModule;
export default Bunzip;
