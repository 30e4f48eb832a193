// Typed wrapper over seek-bzip (pure-JS bzip2 decoder, MIT), which ships no types, and the one
// way this project decodes bzip2: every stream of the file, as Python's bz2 module does, into
// a bounded buffer.
// Spec: https://github.com/cscott/seek-bzip (Bunzip.decode(input, output, multistream) -> Buffer)
// Traps:
// - The package is CommonJS; createRequire keeps this ESM module free of interop guesses.
// - decode() stops after the first bzip2 stream unless told `multistream`: files written by
//   parallel compressors (pbzip2, lbzip2) are several streams back to back, and lost their tail.
// - With `multistream`, bytes after the last stream that are not bzip2 (padding, garbage) throw
//   "bad magic"; Python ignores them, so such a file is decoded again, first stream only
//   (seek-bzip cannot say where a stream ends).
// - bzip2 shrinks runs ~45 000 times (a 2 KB file can hold 2 GB of zeros), and seek-bzip's own
//   output buffer doubles without limit: the output here stops at `maxBytes`.

import { createRequire } from "node:module";

/** What seek-bzip writes to when given an object with writeByte (used as is). */
interface ByteSink {
  writeByte(byte: number): void;
  getBuffer(): Buffer;
}

interface BunzipModule {
  decode(input: Buffer, output?: Buffer | ByteSink, multistream?: boolean): Buffer;
}

const require = createRequire(import.meta.url);

const Bunzip = require("seek-bzip") as BunzipModule;

/** The most bytes decodeBzip2 produces by default: 1 GiB. */
export const MAX_BZIP2_OUTPUT_BYTES = 1024 * 1024 * 1024;

/** A growing buffer that throws once `maxBytes` would be passed. */
function boundedSink(maxBytes: number): ByteSink {
  let buffer = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes));
  let length = 0;
  return {
    writeByte(byte) {
      if (length === buffer.length) {
        if (length >= maxBytes) throw new Error(`it decompresses to more than ${maxBytes} bytes`);
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      buffer[length++] = byte;
    },
    getBuffer: () => buffer.subarray(0, length),
  };
}

/**
 * The decompressed bytes of the bzip2 file `bytes`: all its streams, or only the first when
 * what follows it is not bzip2 (Python's bz2 ignores trailing data). At most `maxBytes` bytes.
 * @throws Error (seek-bzip's) when the first stream is not valid bzip2, or when the output
 *   would pass `maxBytes`.
 */
export function decodeBzip2(bytes: Buffer, maxBytes = MAX_BZIP2_OUTPUT_BYTES): Buffer {
  try {
    return Bunzip.decode(bytes, boundedSink(maxBytes), true);
  } catch (error) {
    if (/more than \d+ bytes/.test((error as Error).message)) throw error;
    try {
      return Bunzip.decode(bytes, boundedSink(maxBytes));
    } catch {
      throw error;
    }
  }
}
