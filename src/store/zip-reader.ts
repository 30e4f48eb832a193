// Read a few members of a zip archive (wheels, .zip sdists) without extracting it, with yauzl:
// walk the central directory in archive order, stop once the caller has what it wants, then
// inflate only the members asked for.
// Spec: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (ZIP), PEP 427 (wheels are zips)
// Traps:
// - "not a zip" (no end of central directory) and "a damaged zip" are different errors for the user.
// - A member's declared size is checked before reading, and inflating stops one byte past it,
//   so a zip bomb cannot fill memory.
// - yauzl finds where a member's bytes start (local header, bounds checked); they are then
//   sliced from memory (or streamed raw from disk) and inflated in one synchronous call. yauzl's
//   own inflate stream costs several stream hops and a thread-pool job per member (2-3x slower
//   on the corpus, worse under load). yauzl does not check CRC-32s; read() does.
// - yauzl's own buffer reader answers each read on a later event-loop turn, two per directory
//   entry. Archives up to 64 MB are read into memory and served by a reader that answers at
//   once, and the walk loops instead of recursing (an `entry` event may fire inside readEntry()).
// - A name listed twice reads its first entry (the walk may stop before the second).
// - Names are decoded as UTF-8 here (decodeStrings: false): the CP437 fallback decodes byte by
//   byte and ASCII reads the same in both; callers only match ASCII paths (`*.dist-info/METADATA`,
//   `<top>/PKG-INFO`). yauzl's name checks (no "..", no absolute paths) are then skipped, as the
//   installer checks names itself.

import { readFile, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { crc32, inflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import { quote, WheelhouseError } from "../pep/errors.js";

/** The largest member read into memory (core metadata, pyproject.toml), in bytes. */
export const MAX_MEMBER_BYTES = 16 * 1024 * 1024;

/** Zips up to this size (bytes) are read into memory whole. */
const IN_MEMORY_BYTES = 64 * 1024 * 1024;

const OPTIONS = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true, // a stored member must declare equal sizes
} as const;

/** An open zip: walk its directory once, read members seen by the walk, then close(). */
export interface ZipArchive {
  /**
   * Call `visit(name)` for each member in archive order until it returns true (stop early) or
   * the directory ends. Call once per archive.
   * @throws WheelhouseError "CORRUPT_ARCHIVE" when a directory entry is damaged.
   */
  walk(visit: (name: string) => boolean): Promise<void>;
  /**
   * The uncompressed bytes of member `name`, seen by walk(), CRC-32 checked.
   * @throws WheelhouseError "CORRUPT_ARCHIVE" when unseen, larger than MAX_MEMBER_BYTES,
   *   encrypted, compressed with another method than deflate, or damaged.
   */
  read(name: string): Promise<Buffer>;
  close(): void;
}

/** Serves yauzl's reads from memory, answering in the same turn (yauzl's BufferSlicer waits one). */
class MemoryReader extends yauzl.RandomAccessReader {
  constructor(private readonly bytes: Buffer) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from([this.bytes.subarray(start, end)]);
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    const end = Math.min(position + length, this.bytes.length);
    callback(null, position < end ? this.bytes.copy(buffer, offset, position, end) : 0);
  }
}

function damaged(label: string, error: unknown): WheelhouseError {
  return new WheelhouseError(
    "CORRUPT_ARCHIVE",
    `${quote(label)} is a damaged zip archive: ${(error as Error).message ?? error}`,
    { cause: error, hint: "a wheel or .zip sdist is a zip file; re-download it" },
  );
}

/**
 * Open the zip at `source` (a path, or the file's bytes); `label` (the filename) names it in
 * errors. Files up to `inMemoryBytes` are read whole; bigger ones are read from disk by yauzl.
 * @throws WheelhouseError "NOT_A_ZIP" when the file has no end of central directory record,
 *   "CORRUPT_ARCHIVE" when that record is damaged.
 */
export async function openZip(
  source: string | Buffer,
  label: string,
  inMemoryBytes = IN_MEMORY_BYTES,
): Promise<ZipArchive> {
  if (!Buffer.isBuffer(source) && (await stat(source)).size <= inMemoryBytes) {
    source = await readFile(source);
  }
  const bytes = source;
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (error: Error | null, zipfile: yauzl.ZipFile) =>
      error ? reject(error) : resolve(zipfile);
    if (Buffer.isBuffer(bytes)) {
      yauzl.fromRandomAccessReader(new MemoryReader(bytes), bytes.length, OPTIONS, done);
    } else {
      yauzl.open(bytes, OPTIONS, done);
    }
  }).catch((error: Error) => {
    if (!/end of central directory record signature not found/i.test(error.message)) {
      throw damaged(label, error);
    }
    throw new WheelhouseError("NOT_A_ZIP", `${quote(label)} is not a zip archive`, {
      cause: error,
      hint: "a wheel or .zip sdist is a zip file; re-download it",
    });
  });
  const seen = new Map<string, yauzl.Entry>();
  return {
    walk: (visit) =>
      walkEntries(zip, (entry) => {
        const name = (entry.fileName as unknown as Buffer).toString("utf8");
        if (!seen.has(name)) seen.set(name, entry);
        return visit(name);
      }).catch((error) => {
        throw damaged(label, error);
      }),
    read: (name) =>
      readEntry(zip, seen.get(name), name, Buffer.isBuffer(bytes) ? bytes : undefined).catch(
        (error) => {
          throw damaged(label, error);
        },
      ),
    close: () => zip.close(),
  };
}

/** Drive yauzl's lazy entries: a loop, since a synchronous reader emits inside readEntry(). */
function walkEntries(zip: yauzl.ZipFile, visit: (entry: yauzl.Entry) => boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let looping = false;
    let again = false;
    const next = () => {
      again = true;
      if (looping) return;
      looping = true;
      while (again) {
        again = false;
        zip.readEntry();
      }
      looping = false;
    };
    const finish = (error?: Error) => {
      zip.removeListener("entry", onEntry);
      zip.removeListener("end", onEnd);
      zip.removeListener("error", onError);
      if (error) reject(error);
      else resolve();
    };
    const onEntry = (entry: yauzl.Entry) => {
      try {
        if (visit(entry)) finish();
        else next();
      } catch (error) {
        finish(error as Error);
      }
    };
    const onEnd = () => finish();
    const onError = (error: Error) => finish(error);
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    next();
  });
}

/** The member's stored bytes: sliced from memory at yauzl's data offset, or streamed raw. */
async function readRaw(zip: yauzl.ZipFile, entry: yauzl.Entry, bytes?: Buffer): Promise<Buffer> {
  if (bytes !== undefined) {
    const { fileDataStart } = await new Promise<{ fileDataStart: number }>((resolve, reject) => {
      zip.readLocalFileHeader(entry, { minimal: true }, (error, header) =>
        error ? reject(error) : resolve(header),
      );
    });
    return bytes.subarray(fileDataStart, fileDataStart + entry.compressedSize);
  }
  const stream = await new Promise<Readable>((resolve, reject) => {
    zip.openReadStream(entry, { decodeFileData: false }, (error, s) =>
      error ? reject(error) : resolve(s),
    );
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry | undefined,
  name: string,
  bytes?: Buffer,
): Promise<Buffer> {
  if (entry === undefined) throw new Error(`no member ${quote(name)}`);
  const fail = (why: string, cause?: unknown) =>
    new Error(`member ${quote(name)} ${why}`, { cause });
  if (entry.uncompressedSize > MAX_MEMBER_BYTES) {
    throw fail(`is larger than ${MAX_MEMBER_BYTES}`);
  }
  if (entry.isEncrypted()) throw fail("is encrypted");
  const method = entry.compressionMethod;
  if (method !== 0 && method !== 8) throw fail(`uses compression method ${method}`);
  let data: Buffer;
  try {
    data = await readRaw(zip, entry, bytes);
  } catch (error) {
    throw fail(`cannot be read: ${(error as Error).message}`, error);
  }
  if (method === 8) {
    try {
      data = inflateRawSync(data, { maxOutputLength: entry.uncompressedSize + 1 });
    } catch (error) {
      throw fail(`does not inflate: ${(error as Error).message}`, error);
    }
  } else {
    data = Buffer.from(data); // a copy: a view would keep the whole archive alive
  }
  if (data.length !== entry.uncompressedSize) {
    throw fail(`has ${data.length} bytes, not the ${entry.uncompressedSize} of the directory`);
  }
  if (crc32(data) >>> 0 !== entry.crc32) throw fail("fails its CRC-32 check");
  return data;
}
