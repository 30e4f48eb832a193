// Read one member of a remote zip (a wheel's METADATA) with HTTP Range requests: the tail holds
// the zip's central directory, which says where the member is; only those bytes are fetched.
// Specs: RFC 9110 §14 (Range requests, 206, Content-Range), APPNOTE.TXT (ZIP layout),
// https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// Traps:
// - A server may ignore Range and answer 200 with the whole file: that is reported as
//   RANGE_UNSUPPORTED (and the body dropped) so the caller can fall back to a full download.
// - The first request is a suffix range (`bytes=-N`) so the file size is learnt from its
//   Content-Range (`bytes a-b/TOTAL`) without a HEAD request.
// - yauzl reads the end-of-central-directory search window (up to 65 557 bytes) in one go, then
//   many small reads; fetched ranges are kept so small reads never become requests.
// - In a wheel the dist-info comes last, so METADATA usually lies inside the first tail.
// - The member is read as ../../store/zip-reader.ts reads a local wheel, so both ways give the
//   same METADATA or the same refusal: names are raw UTF-8 (yauzl's decoding refuses a zip
//   with a ".." or absolute name as damaged, while the file itself inspects fine), a name listed
//   twice is its last entry, the local header must carry the directory's name, the CRC-32 is
//   checked (yauzl does not), and a member larger than the limit is refused before any fetch.

import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import { quote, WheelhouseError } from "../../pep/errors.js";
import type { HttpClient } from "../http/http-client.js";
import { redactUrl } from "../http/http-errors.js";

/** Size of the first (suffix) range: covers the EOCD search window and a typical dist-info. */
export const TAIL_BYTES = 96 * 1024;
/** Smallest later range request, so yauzl's many small reads share requests. */
const MIN_CHUNK = 64 * 1024;

interface Segment {
  start: number;
  data: Buffer;
}

function unsupported(url: string, why: string): WheelhouseError {
  return new WheelhouseError(
    "RANGE_UNSUPPORTED",
    `${quote(redactUrl(url))} cannot be read in parts: ${why}`,
  );
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

async function fetchRange(http: HttpClient, url: string, range: string) {
  const res = await http.get(url, {
    headers: { range, "accept-encoding": "identity" },
    allowStatus: [416],
  });
  if (res.status !== 206) {
    res.body.destroy();
    throw unsupported(url, `the server answered ${res.status} to a Range request`);
  }
  const m = CONTENT_RANGE.exec(res.header("content-range") ?? "");
  if (!m) {
    res.body.destroy();
    throw unsupported(url, `Content-Range ${quote(res.header("content-range") ?? "")} is unusable`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  const start = Number(m[1]);
  if (data.length !== Number(m[2]) - start + 1) throw unsupported(url, "the range came back short");
  return { start, data, total: Number(m[3]) };
}

class HttpRangeReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly http: HttpClient,
    private readonly url: string,
    private readonly total: number,
    private readonly segments: Segment[],
  ) {
    super();
  }

  private async slice(start: number, end: number): Promise<Buffer> {
    for (const s of this.segments) {
      if (start >= s.start && end <= s.start + s.data.length) {
        return s.data.subarray(start - s.start, end - s.start);
      }
    }
    const last = Math.min(this.total, Math.max(end, start + MIN_CHUNK)) - 1;
    const got = await fetchRange(this.http, this.url, `bytes=${start}-${last}`);
    this.segments.push({ start: got.start, data: got.data });
    if (got.start !== start || got.data.length < end - start) {
      throw unsupported(this.url, `asked bytes ${start}-${last}, got another range`);
    }
    return got.data.subarray(0, end - start);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const slice = () => this.slice(start, end);
    return Readable.from(
      (async function* () {
        yield await slice();
      })(),
    );
  }
}

/** The result of a remote zip read: the member's bytes and how many body bytes were fetched. */
export interface RangeReadResult {
  bytes: Buffer;
  name: string;
  fetchedBytes: number;
}

/**
 * Read the first member of the remote zip at `url` whose name `pick` accepts (given all member
 * names, returns the one wanted or undefined), using Range requests only.
 * @throws WheelhouseError "RANGE_UNSUPPORTED" when the server does not do ranges (fall back),
 *   "NO_METADATA" when `pick` finds nothing, "CORRUPT_ARCHIVE" for a damaged zip, and the HTTP
 *   client's errors.
 */
export async function readRemoteZipMember(
  http: HttpClient,
  url: string,
  label: string,
  pick: (names: string[]) => string | undefined,
  maxBytes = 16 * 1024 * 1024,
): Promise<RangeReadResult> {
  const tail = await fetchRange(http, url, `bytes=-${TAIL_BYTES}`);
  const segments: Segment[] = [{ start: tail.start, data: tail.data }];
  const reader = new HttpRangeReader(http, url, tail.total, segments);
  const fetched = () => segments.reduce((n, s) => n + s.data.length, 0);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(reader, tail.total, {
      autoClose: false,
      decodeStrings: false,
    });
  } catch (error) {
    if (error instanceof WheelhouseError) throw error;
    throw new WheelhouseError("CORRUPT_ARCHIVE", `${quote(label)} is not a readable zip archive`, {
      cause: error,
    });
  }
  try {
    const entries = await new Promise<Map<string, yauzl.Entry>>((resolve, reject) => {
      const found = new Map<string, yauzl.Entry>();
      zip.on("entry", (entry: yauzl.Entry) => {
        found.set((entry.fileName as unknown as Buffer).toString("utf8"), entry);
        zip.readEntry();
      });
      zip.on("end", () => resolve(found));
      zip.on("error", reject);
      zip.readEntry();
    });
    const name = pick([...entries.keys()]);
    const entry = name === undefined ? undefined : entries.get(name);
    if (name === undefined || entry === undefined) {
      throw new WheelhouseError("NO_METADATA", `${quote(label)} has no .dist-info/METADATA`);
    }
    const claimed = Math.max(entry.uncompressedSize, entry.compressedSize);
    if (claimed > maxBytes) {
      throw new WheelhouseError(
        "CORRUPT_ARCHIVE",
        `${quote(label)}: ${quote(name)} claims ${claimed} bytes, more than ${maxBytes}`,
      );
    }
    const header = await zip.readLocalFileHeaderPromise(entry);
    const localName = header.fileName as unknown as Buffer;
    if (!localName.equals(entry.fileName as unknown as Buffer)) {
      throw new Error(
        `${quote(name)} is named ${quote(localName.toString("utf8"))} in its local header`,
      );
    }
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    if (crc32(bytes) >>> 0 !== entry.crc32)
      throw new Error(`${quote(name)} fails its CRC-32 check`);
    return { bytes, name, fetchedBytes: fetched() };
  } catch (error) {
    if (error instanceof WheelhouseError) throw error;
    throw new WheelhouseError(
      "CORRUPT_ARCHIVE",
      `${quote(label)} is a damaged zip archive: ${(error as Error).message ?? error}`,
      { cause: error },
    );
  } finally {
    zip.close();
  }
}
