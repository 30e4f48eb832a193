// Read members of a zip archive (wheels, .zip sdists) without extracting it, with yauzl: walk
// the central directory in archive order, stop once the caller has what it wants, then inflate
// only the members asked for. The installer walks every member (with its unix mode) and reads
// them synchronously with readNow(); archives too big for memory are streamed.
// Spec: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (ZIP; 4.4.15 external
// attributes: zip tools keep the unix mode in the upper 16 bits), PEP 427 (wheels are zips)
// Traps:
// - "not a zip" (no end of central directory) and "a damaged zip" are different errors for the user.
// - A member's declared size is checked before reading, and inflating stops one byte past it,
//   so a zip bomb cannot fill memory.
// - Where a member's bytes start comes from its local header (bounds checked): read in place for
//   an archive in memory (yauzl's readLocalFileHeader() took two reads into new buffers per
//   member), by yauzl from disk. The bytes are then sliced from memory (or streamed raw from
//   disk) and inflated in one synchronous call. yauzl's own inflate stream costs several stream
//   hops and a thread-pool job per member (2-3x slower on the corpus, worse under load). yauzl
//   does not check CRC-32s; read(), readNow() and stream() do.
// - yauzl's own buffer reader answers each read on a later event-loop turn, two per directory
//   entry. Archives up to 64 MB (or the caller's limit) are read into memory (or given as a
//   download's chunks, ChunkedBytes, read across chunk boundaries without joining) and served by a
//   reader that answers at once: the walk loops instead of recursing (an `entry` event may fire
//   inside readEntry()). With the local header read in place, readNow() is synchronous.
// - A zip up to 4 MiB (nearly every wheel) is read from a path with statSync + readFileSync:
//   from the page cache that is a fraction of a millisecond, while the asynchronous read costs
//   four or five thread-pool round trips. The resolver reads one wheel's metadata at a time
//   along a dependency chain, so that latency added up (120 local wheels: resolution 158 ms ->
//   80 ms, and the whole install 20% faster).
// - A name listed twice reads its first entry (the walk may stop before the second), unless
//   the caller asks for the last (`duplicates: "last"`), as Python's zipfile (so pip) reads a
//   name: core metadata must be the bytes pip will see; that caller walks to the end.
// - A member whose local header names another file than its directory entry is refused, as
//   zipfile refuses it ("File name in directory ... and header ... differ"): tools that read
//   local headers (streaming unzip) would otherwise see other files than this reader.
// - Names are decoded as UTF-8 here (decodeStrings: false): the CP437 fallback decodes byte by
//   byte and ASCII reads the same in both; callers only match ASCII paths (`*.dist-info/METADATA`,
//   `<top>/PKG-INFO`). yauzl's name checks (no "..", no absolute paths) are then skipped, as the
//   installer checks names itself (and reports them as unsafe, not as a damaged zip).

import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { PassThrough, Readable, Transform } from "node:stream";
import { crc32, inflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import { quote, WheelhouseError } from "../pep/errors.js";
import type { ChunkedBytes } from "./chunked-bytes.js";

/** The largest member read() and readNow() return by default (core metadata, pyproject.toml), in bytes. */
export const MAX_MEMBER_BYTES = 16 * 1024 * 1024;

/** Zips up to this size (bytes) are read into memory whole, unless the caller says otherwise. */
const IN_MEMORY_BYTES = 64 * 1024 * 1024;

/** Zips up to this size (bytes) are read with one synchronous call (see the Traps above). */
const SYNC_READ_BYTES = 4 * 1024 * 1024;

const OPTIONS = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true, // a stored member must declare equal sizes
} as const;

/** A member as the central directory describes it. */
export interface ZipMember {
  /** The raw name decoded as UTF-8, unchecked ("../x" and "/x" pass through). */
  name: string;
  /**
   * Unix mode from the upper 16 bits of the external attributes: file type (0o120000 is a
   * symlink) and permission bits; 0 when the archiver kept none (e.g. DOS attributes).
   */
  mode: number;
  /** Uncompressed size in bytes, as declared. */
  size: number;
  /** Stored (compressed) size in bytes. */
  compressedSize: number;
}

/** A member's stored bytes and what checking them needs. */
export interface RawMember {
  /** 0 stored, 8 deflate. */
  method: number;
  /** The stored bytes: a view into the archive in memory (copy it to keep or transfer it). */
  bytes: Buffer;
  /** Uncompressed size in bytes, as declared: inflate at most one byte more. */
  size: number;
  /** CRC-32 of the uncompressed bytes, as declared (unsigned). */
  crc32: number;
}

/** An open zip: walk its directory once, read members seen by the walk, then close(). */
export interface ZipArchive {
  /** True when the whole archive is in memory (readNow() answers). */
  readonly inMemory: boolean;
  /** Bytes of the archive held in memory: its size when inMemory, else 0. */
  readonly memoryBytes: number;
  /** sha256 (hex) of the archive's bytes held in memory; undefined when read from disk. */
  sha256(): string | undefined;
  /**
   * Call `visit(name, member)` for each member in archive order until it returns true (stop
   * early) or the directory ends. Call once per archive.
   * @throws WheelhouseError "CORRUPT_ARCHIVE" when a directory entry is damaged.
   */
  walk(visit: (name: string, member: ZipMember) => boolean): Promise<void>;
  /**
   * The uncompressed bytes of member `name`, seen by walk(), CRC-32 checked.
   * @throws WheelhouseError "CORRUPT_ARCHIVE" when unseen, larger than `maxBytes` (default
   *   MAX_MEMBER_BYTES), encrypted, compressed with another method than deflate, or damaged.
   */
  read(name: string, maxBytes?: number): Promise<Buffer>;
  /**
   * read() at once, for archives in memory; undefined when the archive is read from disk.
   * @throws as read(), synchronously.
   */
  readNow(name: string, maxBytes?: number): Buffer | undefined;
  /**
   * The stored bytes of member `name`, not inflated nor checked, with what inflating and
   * checking them needs (see RawMember), for archives in memory; undefined when read from disk.
   * For callers that inflate elsewhere (the installer's worker threads).
   * @throws as read(), synchronously, for what can be refused before inflating.
   */
  rawNow(name: string, maxBytes?: number): RawMember | undefined;
  /**
   * The uncompressed bytes of member `name` as a stream, for members too big to hold; size and
   * CRC-32 are checked as they pass (the stream fails with "CORRUPT_ARCHIVE").
   * @throws WheelhouseError "CORRUPT_ARCHIVE" as read(), without the size limit.
   */
  stream(name: string): Promise<Readable>;
  close(): void;
}

/** Bytes in memory as the reader uses them: a Buffer, or {@link ChunkedBytes}. */
export type MemoryBytes = Pick<Buffer, "length" | "subarray" | "copy">;

/** Serves yauzl's reads from memory, answering in the same turn (yauzl's BufferSlicer waits one). */
class MemoryReader extends yauzl.RandomAccessReader {
  constructor(private readonly bytes: MemoryBytes) {
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

/**
 * The error for member `name` of archive `label` found damaged elsewhere (`why`: "fails its
 * CRC-32 check", ...): "CORRUPT_ARCHIVE", worded as read() words it.
 */
export function damagedMember(label: string, name: string, why: string): WheelhouseError {
  return damaged(label, fail(name, why));
}

function damaged(label: string, error: unknown): WheelhouseError {
  return new WheelhouseError(
    "CORRUPT_ARCHIVE",
    `${quote(label)} is a damaged zip archive: ${(error as Error).message ?? error}`,
    { cause: error, hint: "a wheel or .zip sdist is a zip file; re-download it" },
  );
}

/** How openZip() treats the archive. */
export interface OpenZipOptions {
  /**
   * Which entry a name listed twice reads: "first" (default) or "last" seen by walk(), which
   * is what Python's zipfile (and pip) reads by name.
   */
  duplicates?: "first" | "last";
  /**
   * Read an archive held in memory into a SharedArrayBuffer: views of its members then reach
   * worker threads without being copied (the installer's writers).
   */
  shared?: boolean;
}

/**
 * Open the zip at `source` (a path, or the file's bytes); `label` (the filename) names it in
 * errors. Files up to `inMemoryBytes` are read whole; bigger ones are read from disk by yauzl.
 * @throws WheelhouseError "NOT_A_ZIP" when the file has no end of central directory record,
 *   "CORRUPT_ARCHIVE" when that record is damaged.
 */
export async function openZip(
  source: string | Buffer | ChunkedBytes,
  label: string,
  inMemoryBytes = IN_MEMORY_BYTES,
  options: OpenZipOptions = {},
): Promise<ZipArchive> {
  const keepLast = options.duplicates === "last";
  if (typeof source === "string") {
    const { size } = statSync(source);
    const sync = size <= Math.min(inMemoryBytes, SYNC_READ_BYTES);
    if (options.shared && size <= inMemoryBytes) source = await readShared(source, size, sync);
    else if (sync) source = readFileSync(source);
    else if (size <= inMemoryBytes) source = await readFile(source);
  }
  const bytes = source;
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (error: Error | null, zipfile: yauzl.ZipFile) =>
      error ? reject(error) : resolve(zipfile);
    if (typeof bytes !== "string") {
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
  const memory = typeof bytes === "string" ? undefined : bytes;
  const seen = new Map<string, yauzl.Entry>();
  const entry = (name: string) => {
    const found = seen.get(name);
    if (found === undefined) throw new Error(`no member ${quote(name)}`);
    return found;
  };
  const guard = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw damaged(label, error);
    }
  };
  return {
    inMemory: memory !== undefined,
    memoryBytes: memory?.length ?? 0,
    sha256: () =>
      memory === undefined
        ? undefined
        : createHash("sha256").update(memory.subarray(0, memory.length)).digest("hex"),
    walk: (visit) =>
      walkEntries(zip, (e) => {
        const name = (e.fileName as unknown as Buffer).toString("utf8");
        if (keepLast || !seen.has(name)) seen.set(name, e);
        return visit(name, {
          name,
          mode: e.externalFileAttributes >>> 16,
          size: e.uncompressedSize,
          compressedSize: e.compressedSize,
        });
      }).catch((error) => {
        throw damaged(label, error);
      }),
    read: async (name, maxBytes = MAX_MEMBER_BYTES) => {
      if (memory !== undefined) return guard(() => readNow(entry(name), name, memory, maxBytes));
      const e = guard(() => entry(name));
      guard(() => checkEntry(e, name, maxBytes));
      await checkLocalHeader(zip, e, name).catch((error) => {
        throw damaged(label, error);
      });
      const raw = await readRawFromDisk(zip, e).catch((error) => {
        throw damaged(label, cannotRead(name, error));
      });
      return guard(() => decode(e, name, raw));
    },
    readNow: (name, maxBytes = MAX_MEMBER_BYTES) =>
      memory === undefined ? undefined : guard(() => readNow(entry(name), name, memory, maxBytes)),
    rawNow: (name, maxBytes = MAX_MEMBER_BYTES) => {
      if (memory === undefined) return undefined;
      const e = guard(() => entry(name));
      const bytes = guard(() => storedBytes(e, name, memory, maxBytes));
      return { method: e.compressionMethod, bytes, size: e.uncompressedSize, crc32: e.crc32 };
    },
    stream: async (name) => {
      const e = guard(() => entry(name));
      if (memory !== undefined) {
        const out = new PassThrough();
        out.end(guard(() => readNow(e, name, memory, Number.POSITIVE_INFINITY)));
        return out;
      }
      guard(() => checkEntry(e, name, Number.POSITIVE_INFINITY));
      await checkLocalHeader(zip, e, name).catch((error) => {
        throw damaged(label, error);
      });
      const s = await new Promise<Readable>((resolve, reject) => {
        zip.openReadStream(e, (error, r) => (error ? reject(error) : resolve(r)));
      }).catch((error) => {
        throw damaged(label, cannotRead(name, error));
      });
      const out = crcCheck(e, (why) => damaged(label, fail(name, why)));
      // Errors while streaming (truncated data, bad inflate, wrong size) are damage too.
      s.on("error", (error) => out.destroy(damaged(label, cannotRead(name, error))));
      out.on("close", () => s.destroy());
      return s.pipe(out);
    },
    close: () => zip.close(),
  };
}

/**
 * The `size` bytes of the file at `path` in a Buffer over a SharedArrayBuffer (`sync`: with
 * blocking reads). A file that shrank since its size was taken reads short and fails as a zip.
 */
async function readShared(path: string, size: number, sync: boolean): Promise<Buffer> {
  const buffer = Buffer.from(new SharedArrayBuffer(size));
  let filled = 0;
  if (sync) {
    const fd = openSync(path, "r");
    try {
      for (let n = 1; n > 0 && filled < size; filled += n)
        n = readSync(fd, buffer, filled, size - filled, filled);
    } finally {
      closeSync(fd);
    }
  } else {
    const file = await open(path, "r");
    try {
      for (let n = 1; n > 0 && filled < size; filled += n)
        n = (await file.read(buffer, filled, size - filled, filled)).bytesRead;
    } finally {
      await file.close();
    }
  }
  return filled === size ? buffer : buffer.subarray(0, filled);
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

function fail(name: string, why: string, cause?: unknown): Error {
  return new Error(`member ${quote(name)} ${why}`, { cause });
}

function cannotRead(name: string, error: unknown): Error {
  return fail(name, `cannot be read: ${(error as Error).message}`, error);
}

/** Refuse what cannot be read before reading it. Throws plain Errors (wrapped by the caller). */
function checkEntry(entry: yauzl.Entry, name: string, maxBytes: number): void {
  if (entry.uncompressedSize > maxBytes) throw fail(name, `is larger than ${maxBytes}`);
  if (entry.isEncrypted()) throw fail(name, "is encrypted");
  const method = entry.compressionMethod;
  if (method !== 0 && method !== 8) throw fail(name, `uses compression method ${method}`);
}

/** The member's bytes from an archive in memory, synchronously (storedBytes, then decode). */
function readNow(entry: yauzl.Entry, name: string, bytes: MemoryBytes, maxBytes: number): Buffer {
  return decode(entry, name, storedBytes(entry, name, bytes, maxBytes));
}

/** The member's stored bytes, a view into the archive in memory (local header read in place). */
function storedBytes(
  entry: yauzl.Entry,
  name: string,
  bytes: MemoryBytes,
  maxBytes: number,
): Buffer {
  checkEntry(entry, name, maxBytes);
  // The local header read in place (APPNOTE 4.3.7): signature, name and extra field lengths at
  // 26 and 28, the name at 30. yauzl's readLocalFileHeader() does the same through two reads
  // into new buffers and a callback, per member.
  const at = entry.relativeOffsetOfLocalHeader;
  const head = bytes.subarray(at, at + 30);
  if (head.length < 30) throw cannotRead(name, new Error("unexpected EOF"));
  if (head.readUInt32LE(0) !== 0x04034b50)
    throw cannotRead(
      name,
      new Error(`invalid local file header signature: 0x${head.readUInt32LE(0).toString(16)}`),
    );
  const nameEnd = at + 30 + head.readUInt16LE(26);
  const start = nameEnd + head.readUInt16LE(28);
  if (start + entry.compressedSize > bytes.length)
    throw cannotRead(
      name,
      new Error(
        `file data overflows file bounds: ${start} + ${entry.compressedSize} > ${bytes.length}`,
      ),
    );
  checkLocalName(entry, name, bytes.subarray(at + 30, nameEnd));
  return bytes.subarray(start, start + entry.compressedSize);
}

/** Refuse a local header that names another file than the directory (plain Error). */
function checkLocalName(entry: yauzl.Entry, name: string, local: Buffer): void {
  if (!local.equals(entry.fileName as unknown as Buffer)) {
    throw fail(name, `is named ${quote(local.toString("utf8"))} in its local header`);
  }
}

/** The local header of a member read from disk, its name checked (plain Errors). */
async function checkLocalHeader(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string) {
  let header: yauzl.LocalFileHeader;
  try {
    header = await zip.readLocalFileHeaderPromise(entry);
  } catch (error) {
    throw cannotRead(name, error);
  }
  checkLocalName(entry, name, header.fileName as unknown as Buffer);
}

/** The member's stored bytes, streamed raw from disk (yauzl checks the count). */
async function readRawFromDisk(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const stream = await new Promise<Readable>((resolve, reject) => {
    zip.openReadStream(entry, { decodeFileData: false }, (error, s) =>
      error ? reject(error) : resolve(s),
    );
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Inflate (capped one byte past the declared size), then check size and CRC-32. */
function decode(entry: yauzl.Entry, name: string, raw: Buffer): Buffer {
  let data: Buffer;
  if (entry.compressionMethod === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
    } catch (error) {
      throw fail(name, `does not inflate: ${(error as Error).message}`, error);
    }
  } else {
    data = Buffer.from(raw); // a copy: a view would keep the whole archive alive
  }
  if (data.length !== entry.uncompressedSize) {
    throw fail(
      name,
      `has ${data.length} bytes, not the ${entry.uncompressedSize} of the directory`,
    );
  }
  if (crc32(data) >>> 0 !== entry.crc32) throw fail(name, "fails its CRC-32 check");
  return data;
}

/** A pass-through that fails at the end when the bytes' CRC-32 differs from the directory's. */
function crcCheck(entry: yauzl.Entry, failure: (why: string) => Error): Transform {
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      done(crc >>> 0 === entry.crc32 ? null : failure("fails its CRC-32 check"));
    },
  });
}
