import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { readRemoteZipMember, TAIL_BYTES } from "../../../src/mirror/upstream/range-zip.js";
import { WheelhouseError } from "../../../src/pep/errors.js";
import { openZip } from "../../../src/store/zip-reader.js";
import { noise, testClient } from "./helpers.js";

/** How the test server answers: Range honoured as RFC 9110 says, or gzip-encoded bodies. */
interface Served {
  bytes: Buffer;
  gzip?: boolean;
}

let server: Server;
let base: string;
const files = new Map<string, Served>();
const ranges: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const served = files.get(req.url ?? "");
    if (served === undefined) return void res.writeHead(404).end();
    const { bytes } = served;
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    if (m === null) return void res.writeHead(200).end(bytes);
    ranges.push(req.headers.range ?? "");
    const start = m[1] === "" ? Math.max(0, bytes.length - Number(m[2])) : Number(m[1]);
    const end =
      m[1] === "" || m[2] === "" ? bytes.length - 1 : Math.min(Number(m[2]), bytes.length - 1);
    const part = bytes.subarray(start, end + 1);
    res.writeHead(206, {
      "content-range": `bytes ${start}-${end}/${bytes.length}`,
      ...(served.gzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(served.gzip ? gzipSync(part) : part);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  ranges.length = 0;
});

async function zipOf(members: [string, Buffer | string][], compress = true): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, data] of members) {
    zip.addBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data), name, { compress });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function serve(path: string, served: Served): string {
  files.set(path, served);
  return `${base}${path}`;
}

const METADATA = "r-1.0.dist-info/METADATA";
const pickMetadata = (names: string[]) => names.find((n) => n.endsWith(".dist-info/METADATA"));

/** What the remote read gives: the member's text, or the error code. */
async function remote(url: string): Promise<string> {
  try {
    const got = await readRemoteZipMember(
      testClient(),
      url,
      "r-1.0-py3-none-any.whl",
      pickMetadata,
    );
    return got.bytes.toString();
  } catch (error) {
    if (error instanceof WheelhouseError) return error.code;
    throw error;
  }
}

/** What the local reader (store/inspect's) gives for the same bytes. */
async function local(bytes: Buffer): Promise<string> {
  try {
    const zip = await openZip(bytes, "r-1.0-py3-none-any.whl", undefined, { duplicates: "last" });
    let name: string | undefined;
    await zip.walk((n) => {
      if (n.endsWith(".dist-info/METADATA")) name = n;
      return false;
    });
    return (await zip.read(name ?? "")).toString();
  } catch (error) {
    if (error instanceof WheelhouseError) return error.code;
    throw error;
  }
}

describe("readRemoteZipMember", () => {
  it("reads METADATA from the tail, and past it with a second range", async () => {
    const inTail = await zipOf([
      ["r/big.bin", noise(300_000)],
      [METADATA, "Name: r\n"],
    ]);
    expect(await remote(serve("/tail.whl", { bytes: inTail }))).toBe("Name: r\n");
    expect(ranges).toEqual([`bytes=-${TAIL_BYTES}`]);
    ranges.length = 0;
    const early = await zipOf([
      [METADATA, "Name: r\n"],
      ["r/big.bin", noise(300_000)],
    ]);
    expect(await remote(serve("/early.whl", { bytes: early }))).toBe("Name: r\n");
    expect(ranges).toHaveLength(2);
  });

  it("reads a zip smaller than the first range, and a directory larger than it", async () => {
    const tiny = await zipOf([[METADATA, "Name: r\n"]]);
    expect(await remote(serve("/tiny.whl", { bytes: tiny }))).toBe("Name: r\n");
    const many = await zipOf([
      ...Array.from({ length: 1500 }, (_, i): [string, string] => [
        `r/a_module_with_a_long_name_${i}.py`,
        "",
      ]),
      [METADATA, "Name: r\n"],
    ]);
    expect(await remote(serve("/many.whl", { bytes: many }))).toBe("Name: r\n");
    expect(many.length - many.indexOf("PK\x01\x02")).toBeGreaterThan(TAIL_BYTES);
  });

  // A server that gzips a 206 despite `Accept-Encoding: identity` sends ranges of the encoded
  // form: the caller must fall back to a whole download, not call the wheel damaged (the
  // body's length differs from the Content-Range's).
  it("says RANGE_UNSUPPORTED for a range sent with a Content-Encoding", async () => {
    const bytes = await zipOf([[METADATA, "Name: r\n"]]);
    expect(await remote(serve("/gz.whl", { bytes, gzip: true }))).toBe("RANGE_UNSUPPORTED");
  });

  // Each case is read the same by the range reader as by the local reader (store/inspect), so
  // a wheel's metadata does not depend on how it was fetched. Oracle for the refusals:
  // python3 zipfile raises BadZipFile for both ("Bad CRC-32", "File name in directory ...").
  it.each([
    [
      "a member whose bytes were altered (CRC-32)",
      async () => {
        const bytes = await zipOf([[METADATA, "Name: r\nSummary: aaaa\n"]], false);
        bytes[30 + bytes.readUInt16LE(26) + 2] ^= 0xff;
        return bytes;
      },
      "CORRUPT_ARCHIVE",
    ],
    [
      "a local header that names another file",
      async () => {
        const bytes = await zipOf([[METADATA, "Name: r\n"]]);
        bytes.write("r-1.0.dist-info/METADATB", 30, "latin1");
        return bytes;
      },
      "CORRUPT_ARCHIVE",
    ],
    [
      "a member named outside the wheel (yauzl's decoding calls it damaged; the installer refuses it)",
      async () => {
        const bytes = await zipOf([
          ["r/evil.py", ""],
          [METADATA, "Name: r\n"],
        ]);
        return Buffer.from(bytes.toString("latin1").replaceAll("r/evil.py", "../evl.py"), "latin1");
      },
      "Name: r\n",
    ],
    [
      "METADATA listed twice (zipfile reads the last)",
      async () =>
        zipOf([
          [METADATA, "Name: first\n"],
          [METADATA, "Name: last\n"],
        ]),
      "Name: last\n",
    ],
  ])("%s", async (_, make, expected) => {
    const bytes = await make();
    expect(await local(bytes)).toBe(expected);
    expect(await remote(serve(`/case-${ranges.length}-${Math.random()}.whl`, { bytes }))).toBe(
      expected,
    );
  });

  it("refuses a member whose stored size passes the limit before fetching it", async () => {
    const bytes = await zipOf([
      [METADATA, "Name: r\n"],
      ["r/pad.bin", noise(400_000)],
    ]);
    // The directory claims 300 000 stored bytes for an 8-byte METADATA (offset 20: compressed size).
    bytes.writeUInt32LE(300_000, bytes.indexOf(`PK\x01\x02`) + 20);
    const url = serve("/huge.whl", { bytes });
    const read = readRemoteZipMember(testClient(), url, "r.whl", pickMetadata, 100_000);
    await expect(read).rejects.toMatchObject({ code: "CORRUPT_ARCHIVE" });
    expect(ranges).toEqual([`bytes=-${TAIL_BYTES}`]);
  });
});
