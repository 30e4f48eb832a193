// Write a reproducible .tar.gz: the same entries give the same bytes on every machine and day.
// Spec: POSIX ustar and pax, https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html
// (ustar header layout, `x` extended headers); gzip RFC 1952 section 2.3 (member header).
// Traps:
// - We write the headers ourselves instead of packing from the file system, so nothing of the
//   machine leaks in: mtime is fixed, uid/gid are 0, user and group names are empty, modes are
//   the ones given (not the umask's).
// - Names over 100 bytes (long wheel filenames) get a pax `path` record; its header is named
//   after the entry so it is deterministic too.
// - Node's gzip header has mtime 0 but its OS byte depends on the platform zlib was built for;
//   we set it to 255 ("unknown") so Windows and Unix builds agree.
// - The output is written to a temporary name beside the target and renamed at the end, so a
//   failed run never leaves a half bundle under the requested name.

import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { quote, WheelhouseError } from "../../pep/errors.js";

/** Every entry's mtime: 1980-01-01T00:00:00Z (the zip epoch, common in reproducible builds). */
export const FIXED_MTIME = 315532800;

/** One member of the archive: bytes in memory or a file read when its turn comes. */
export interface TarEntry {
  /** Relative POSIX path, e.g. "wheels/flask-3.1.3-py3-none-any.whl"; "wheels/" for a directory. */
  path: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** In-memory content. */
  bytes?: Buffer;
  /** A file to stream, with its size in bytes (checked while streaming). */
  file?: { path: string; size: number };
  directory?: boolean;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function header(name: string, size: number, mode: number, type: string): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, 100, "utf8");
  b.write(octal(mode, 8), 100, "ascii");
  b.write(octal(0, 8), 108, "ascii");
  b.write(octal(0, 8), 116, "ascii");
  b.write(octal(size, 12), 124, "ascii");
  b.write(octal(FIXED_MTIME, 12), 136, "ascii");
  b.write("        ", 148, "ascii");
  b.write(type, 156, "ascii");
  b.write("ustar\u000000", 257, "ascii");
  b.write(octal(0, 8), 329, "ascii");
  b.write(octal(0, 8), 337, "ascii");
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return b;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  // The length counts its own digits: 9 + 1 digit fits, 99 + 2 digits becomes 102 (3 digits).
  let length = bodyLength + String(bodyLength).length;
  if (String(length).length > String(bodyLength).length) length += 1;
  return Buffer.from(`${length}${body}`);
}

/** The header block(s) of one entry: a pax header first when the name does not fit. */
export function entryHeader(entry: TarEntry, size: number): Buffer {
  const type = entry.directory ? "5" : "0";
  if (size >= 8 ** 11) {
    throw new WheelhouseError("FILE_TOO_LARGE", `${quote(entry.path)} is 8 GiB or larger`);
  }
  if (Buffer.byteLength(entry.path) <= 100) return header(entry.path, size, entry.mode, type);
  const pax = paxRecord("path", entry.path);
  const short = `PaxHeader/${Buffer.from(entry.path).subarray(-80).toString("latin1")}`;
  return Buffer.concat([
    header(short.slice(0, 100), pax.length, 0o644, "x"),
    pax,
    padding(pax.length),
    header(Buffer.from(entry.path).subarray(0, 100).toString("latin1"), size, entry.mode, type),
  ]);
}

async function* tarStream(entries: TarEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    if (entry.directory) {
      yield entryHeader(entry, 0);
    } else if (entry.bytes !== undefined) {
      yield entryHeader(entry, entry.bytes.length);
      yield entry.bytes;
      yield padding(entry.bytes.length);
    } else if (entry.file !== undefined) {
      const { path, size } = entry.file;
      yield entryHeader(entry, size);
      let seen = 0;
      for await (const chunk of createReadStream(path)) {
        seen += (chunk as Buffer).length;
        if (seen > size) break;
        yield chunk as Buffer;
      }
      if (seen !== size) {
        throw new WheelhouseError(
          "SIZE_MISMATCH",
          `${quote(path)} changed while it was packed: expected ${size} bytes, read ${seen}`,
          { hint: "run `wheelhouse verify`" },
        );
      }
      yield padding(size);
    }
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** Sets the gzip header's OS byte (offset 9) to 255 in the first chunk. */
function fixGzipHeader(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (first && chunk.length >= 10) {
        first = false;
        const copy = Buffer.from(chunk);
        copy.writeUInt32LE(0, 4);
        copy[9] = 255;
        callback(null, copy);
        return;
      }
      callback(null, chunk);
    },
  });
}

/**
 * Write `entries` in the given order as a gzip-compressed tar at `output` (replaced atomically).
 * The caller orders the entries; the bytes depend only on the entries' paths, modes and contents.
 * @throws WheelhouseError "SIZE_MISMATCH" when a file's size differs from `file.size`,
 *   "FILE_TOO_LARGE"; file system errors propagate. Nothing is left at `output` on failure.
 */
export async function writeTarGz(output: string, entries: TarEntry[]): Promise<void> {
  const temp = `${output}.${process.pid}.partial`;
  try {
    await pipeline(
      Readable.from(tarStream(entries)),
      createGzip({ level: 6 }),
      fixGzipHeader(),
      createWriteStream(temp),
    );
    await rename(temp, output);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
