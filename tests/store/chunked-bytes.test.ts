// ChunkedBytes (src/store/chunked-bytes.ts): a file as the chunks a download arrived in must read,
// hash, inspect and store exactly as the same bytes joined into one Buffer, however it was cut.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putVerifiedBytes, verifyBytes } from "../../src/store/blobs.js";
import { ChunkedBytes } from "../../src/store/chunked-bytes.js";
import { inspectDistributionBytes } from "../../src/store/inspect.js";
import { blobPathIn } from "../../src/store/layout.js";
import { closeStore, openStore, type Store } from "../../src/store/store.js";
import { type BuiltDistribution, buildWheel } from "../helpers/wheels.js";
import { noise } from "../mirror/upstream/helpers.js";

/** `bytes` cut at the given points (sorted, deduplicated, within bounds; empty chunks kept). */
function cut(bytes: Buffer, points: number[]): ChunkedBytes {
  const at = [0, ...points.map((p) => p % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  const chunks: Buffer[] = [];
  for (let i = 1; i < at.length; i++) chunks.push(Buffer.from(bytes.subarray(at[i - 1], at[i])));
  return new ChunkedBytes(chunks);
}

describe("ChunkedBytes reads as the joined Buffer", () => {
  const input = fc.record({
    bytes: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    points: fc.array(fc.nat(), { maxLength: 12 }),
    start: fc.nat(320),
    end: fc.nat(320),
  });

  it("subarray(start, end)", () => {
    fc.assert(
      fc.property(input, ({ bytes, points, start, end }) => {
        const chunked = cut(bytes, points);
        expect(chunked.length).toBe(bytes.length);
        expect(chunked.subarray(start, end).equals(bytes.subarray(start, end))).toBe(true);
        expect(chunked.subarray().equals(bytes)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("copy(target, targetStart, sourceStart, sourceEnd)", () => {
    fc.assert(
      fc.property(
        input,
        fc.nat(64),
        fc.nat(64),
        ({ bytes, points, start, end }, targetSize, targetStart) => {
          const chunked = cut(bytes, points);
          const a = Buffer.alloc(targetSize, 7);
          const b = Buffer.alloc(targetSize, 7);
          const ts = Math.min(targetStart, targetSize);
          const from = Math.min(start, bytes.length); // Buffer.copy throws past the end
          const n = chunked.copy(a, ts, from, end);
          expect(n).toBe(bytes.copy(b, ts, from, end));
          expect(a.equals(b)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("a wheel in chunks", () => {
  let dir: string;
  let store: Store;
  let wheel: BuiltDistribution;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wh-chunks-"));
    store = await openStore(join(dir, "store"));
    wheel = await buildWheel({
      name: "chunky",
      version: "1.0",
      requiresDist: ["dep>=1"],
      files: { "chunky/data.bin": noise(200_000, 9), "chunky/__init__.py": "x = 1\n" },
    });
  });
  afterAll(async () => {
    closeStore(store);
    await rm(dir, { recursive: true, force: true });
  });

  it("inspects and verifies as the whole file, however it is cut", async () => {
    const whole = await inspectDistributionBytes(wheel.bytes, wheel.filename);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 40 }), async (points) => {
        const chunked = cut(wheel.bytes, points);
        const got = await inspectDistributionBytes(chunked, wheel.filename);
        expect(got.metadataBytes.equals(whole.metadataBytes)).toBe(true);
        expect({ ...got, metadataBytes: undefined }).toEqual({
          ...whole,
          metadataBytes: undefined,
        });
        expect(verifyBytes(chunked, { label: wheel.filename, sha256: wheel.sha256 })).toEqual({
          sha256: wheel.sha256,
          size: wheel.bytes.length,
        });
      }),
      { numRuns: 200 },
    );
  });

  it("stores the same blob, with more chunks than one writev() takes", async () => {
    // 1-byte chunks at first: several thousand buffers, more than IOV_MAX (1024) per call.
    const small = Array.from({ length: 3000 }, (_, i) => wheel.bytes.subarray(i, i + 1));
    const chunked = new ChunkedBytes([...small, wheel.bytes.subarray(3000)]);
    const ref = verifyBytes(chunked, { label: wheel.filename });
    expect(ref.sha256).toBe(wheel.sha256);
    await putVerifiedBytes(store, chunked, ref, wheel.filename);
    const stored = await readFile(blobPathIn(store.layout, wheel.sha256));
    expect(stored.equals(wheel.bytes)).toBe(true);
  });
});
