// A file held as the chunks it arrived in (an HTTP body), read as one run of bytes without joining
// them first: joining 180 MB of downloads cost the main thread a copy of every byte and V8 a
// fresh large allocation per file. Hashing and writing take the chunks as they are (hash.update
// per chunk, writev); the zip reader reads ranges, which inside one chunk are views of it.
// Traps:
// - A range across chunks is a copy of just that range (a member's local header and data, the
//   central directory), never of the whole file.
// - subarray() and copy() clamp their ranges to the bytes there are, as Buffer's do for the
//   non-negative offsets the zip reader passes (negative ones are not supported).

/** A file as the chunks it arrived in; see the Traps above. */
export class ChunkedBytes {
  readonly length: number;
  /** Offset of each chunk's first byte. */
  private readonly starts: number[] = [];

  constructor(readonly chunks: readonly Buffer[]) {
    let at = 0;
    for (const c of chunks) {
      this.starts.push(at);
      at += c.length;
    }
    this.length = at;
  }

  /** Bytes [start, end), clamped to [0, length]. */
  subarray(start = 0, end = this.length): Buffer {
    const from = Math.max(0, Math.min(start, this.length));
    const to = Math.max(from, Math.min(end, this.length));
    const i = this.chunkAt(from);
    if (i < this.chunks.length && to <= this.starts[i] + this.chunks[i].length) {
      return this.chunks[i].subarray(from - this.starts[i], to - this.starts[i]);
    }
    const out = Buffer.allocUnsafe(to - from);
    this.copy(out, 0, from, to);
    return out;
  }

  /** Copy bytes [sourceStart, sourceEnd) into `target` at `targetStart`, as Buffer.copy does. */
  copy(target: Uint8Array, targetStart = 0, sourceStart = 0, sourceEnd = this.length): number {
    let at = Math.max(0, sourceStart);
    const end = Math.min(sourceEnd, this.length, at + (target.length - targetStart));
    let written = 0;
    for (let i = this.chunkAt(at); at < end; i++) {
      const c = this.chunks[i];
      const n = c.copy(
        target,
        targetStart + written,
        at - this.starts[i],
        Math.min(c.length, end - this.starts[i]),
      );
      written += n;
      at += n;
    }
    return written;
  }

  /** Index of the chunk holding byte `at` (chunks.length past the end). */
  private chunkAt(at: number): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] + this.chunks[mid].length <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
