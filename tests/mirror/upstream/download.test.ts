import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  downloadDistribution,
  downloadToFile,
  readDistribution,
} from "../../../src/mirror/upstream/download.js";
import { ChunkedBytes } from "../../../src/store/chunked-bytes.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../../helpers/wheels.js";
import { testClient } from "./helpers.js";

let index: FakeIndex;
let dist: BuiltDistribution;
let dir: string;

beforeAll(async () => {
  dist = await buildWheel({ name: "eta", version: "1.0" });
  index = await startFakeIndex({ projects: { eta: [{ dist }] } });
  dir = await mkdtemp(join(tmpdir(), "wh-download-"));
});
afterAll(async () => {
  await index.close();
  await rm(dir, { recursive: true, force: true });
});

describe("downloadDistribution", () => {
  it("streams to a callback while hashing, and checks digest and size", async () => {
    const chunks: Buffer[] = [];
    let progress = 0;
    const target = {
      filename: dist.filename,
      url: `${index.origin}/files/${dist.filename}`,
      sha256: dist.sha256,
      size: dist.bytes.length,
    };
    const result = await downloadDistribution(testClient(), target, (c) => void chunks.push(c), {
      onBytes: (n) => {
        progress += n;
      },
    });
    expect(result).toEqual({ sha256: dist.sha256, size: dist.bytes.length });
    expect(Buffer.concat(chunks).equals(dist.bytes)).toBe(true);
    expect(progress).toBe(dist.bytes.length);
  });

  it("reports a hash mismatch naming file, URL, expected and actual digest", async () => {
    const expected = "0".repeat(64);
    const target = {
      filename: dist.filename,
      url: `${index.origin}/files/${dist.filename}`,
      sha256: expected,
    };
    const error = await downloadDistribution(testClient(), target, () => {}).catch((e) => e);
    expect(error.code).toBe("HASH_MISMATCH");
    expect(
      error.message.replace(index.origin, "http://127.0.0.1:PORT").replace(dist.sha256, "ACTUAL"),
    ).toMatchInlineSnapshot(
      `""eta-1.0-py3-none-any.whl" from "http://127.0.0.1:PORT/files/eta-1.0-py3-none-any.whl" has sha256 ACTUAL, expected 0000000000000000000000000000000000000000000000000000000000000000"`,
    );
    expect(error.hint).toMatchInlineSnapshot(
      `"the file changed upstream or was corrupted in transit; nothing was kept"`,
    );
  });

  it("cuts off a body longer than the stated size", async () => {
    const target = {
      filename: dist.filename,
      url: `${index.origin}/files/${dist.filename}`,
      size: 10,
    };
    const error = await downloadDistribution(testClient(), target, () => {}).catch((e) => e);
    expect(error.code).toBe("SIZE_MISMATCH");
    expect(error.message).toContain("is more than 10 bytes, expected 10");
  });

  it("downloads to a file, and removes it on failure", async () => {
    const path = join(dir, "ok.whl");
    const url = `${index.origin}/files/${dist.filename}`;
    await downloadToFile(testClient(), { filename: dist.filename, url, sha256: dist.sha256 }, path);
    expect((await readFile(path)).equals(dist.bytes)).toBe(true);
    const bad = join(dir, "bad.whl");
    const error = await downloadToFile(
      testClient(),
      { filename: dist.filename, url, sha256: "f".repeat(64) },
      bad,
    ).catch((e) => e);
    expect(error.code).toBe("HASH_MISMATCH");
    await expect(stat(bad)).rejects.toThrow();
  });

  it("reads file: URLs from disk", async () => {
    const [path] = await writeDistributions(dir, [dist]);
    const chunks: Buffer[] = [];
    const result = await downloadDistribution(
      testClient(),
      { filename: dist.filename, url: pathToFileURL(path).href },
      (c) => void chunks.push(c),
    );
    expect(result.sha256).toBe(createHash("sha256").update(Buffer.concat(chunks)).digest("hex"));
  });

  it("names the URL on an HTTP error", async () => {
    const url = `${index.origin}/files/missing-1.0-py3-none-any.whl`;
    const error = await downloadDistribution(
      testClient(),
      { filename: "missing-1.0-py3-none-any.whl", url },
      () => {},
    ).catch((e) => e);
    expect(error.message).toBe(`GET "${url}" failed: HTTP 404 Not Found`);
  });
});

describe("readDistribution", () => {
  const url = () => `${index.origin}/files/${dist.filename}`;
  const collect = async (body: ChunkedBytes | Readable) => {
    if (body instanceof ChunkedBytes) return { kind: "bytes", bytes: body.subarray() };
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return { kind: "stream", bytes: Buffer.concat(chunks) };
  };

  // [case, stated size, memory bound, expected kind]
  const cases: [string, number | undefined, number, string][] = [
    ["unknown size, fits", undefined, 1 << 20, "bytes"],
    ["stated size, fits", -1, 1 << 20, "bytes"],
    ["unknown size, too big: switches to a stream midway", undefined, 10, "stream"],
    ["stated size too big: a stream from the start", -1, 10, "stream"],
  ];
  it.each(cases)("%s", async (_, stated, maxInMemory, kind) => {
    let progress = 0;
    const size = stated === -1 ? dist.bytes.length : stated;
    const body = await readDistribution(
      testClient(),
      { filename: dist.filename, url: url(), ...(size !== undefined ? { size } : {}) },
      {
        maxInMemory,
        onBytes: (n) => {
          progress += n;
        },
      },
    );
    const got = await collect(body);
    expect(got.kind).toBe(kind);
    expect(got.bytes.equals(dist.bytes)).toBe(true);
    expect(progress).toBe(dist.bytes.length);
  });

  it.each([
    ["in memory", 1 << 20],
    ["streamed", 10],
  ])("checks the stated size, naming file and URL (%s)", async (_, maxInMemory) => {
    for (const [size, text] of [
      [10, "is more than 10 bytes"],
      [dist.bytes.length + 1, `is ${dist.bytes.length} bytes, expected ${dist.bytes.length + 1}`],
    ] as const) {
      const error = await readDistribution(
        testClient(),
        { filename: dist.filename, url: url(), size },
        { maxInMemory },
      )
        .then(collect)
        .catch((e) => e);
      expect(error.code).toBe("SIZE_MISMATCH");
      expect(error.message).toContain(`"${dist.filename}" from "${url()}" ${text}`);
    }
  });

  it("reads file: URLs from disk", async () => {
    const [path] = await writeDistributions(dir, [dist]);
    const body = await readDistribution(
      testClient(),
      { filename: dist.filename, url: pathToFileURL(path).href },
      { maxInMemory: 1 << 20 },
    );
    expect(body instanceof ChunkedBytes && body.subarray().equals(dist.bytes)).toBe(true);
  });
});
