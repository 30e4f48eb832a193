// Write a reproducible .tar.gz: the same entries give the same bytes on every machine and day.
// Spec: POSIX ustar and pax, https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html;
// gzip RFC 1952 section 2.3 (member header).
// Traps:
// - Header blocks are encoded by node-tar's Header and Pax classes (fields, checksum, ustar
//   prefix split, pax records); its Pack is not used because it only packs from the file
//   system, and staging multi-GB stores under archive names is what we avoid.
// - Nothing of the machine leaks in: mtime is fixed, uid/gid are 0, user and group names are
//   empty, modes are the ones given (not the umask's).
// - Names that do not fit ustar's name/prefix fields (long wheel filenames) and sizes of 8 GiB
//   or more get a pax `x` header, named by node-tar after the entry, so it is deterministic too.
// - Node's gzip header has mtime 0 but its OS byte depends on the platform zlib was built for;
//   we set it to 255 ("unknown") so Windows and Unix builds agree.
// - The output is written to a temporary name beside the target and renamed at the end, so a
//   failed run never leaves a half bundle under the requested name.

import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { Header, Pax } from "tar";
import { quote, WheelhouseError } from "../../pep/errors.js";

/** Every entry's mtime: 1980-01-01T00:00:00Z (the zip epoch, common in reproducible builds). */
export const FIXED_MTIME = 315532800;

const MTIME = new Date(FIXED_MTIME * 1000);
const BLOCK = 512;

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

/** The header block(s) of one entry of `size` bytes: a pax header first when one is needed. */
function entryHeader(entry: TarEntry, size: number): Buffer {
  const header = new Header({
    path: entry.path,
    mode: entry.mode,
    uid: 0,
    gid: 0,
    uname: "",
    gname: "",
    size,
    mtime: MTIME,
    type: entry.directory ? "Directory" : "File",
  });
  const needPax = header.encode();
  const block = header.block as Buffer;
  if (!needPax) return block;
  return Buffer.concat([new Pax({ path: entry.path, size, mtime: MTIME }).encode(), block]);
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
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
  // End of archive: two zero blocks.
  yield Buffer.alloc(BLOCK * 2);
}

/** Sets the gzip header's OS byte (offset 9 of the stream) to 255, whichever chunk holds it. */
function fixGzipOsByte(): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      let out = chunk;
      if (offset <= 9 && offset + chunk.length > 9) {
        out = Buffer.from(chunk);
        out[9 - offset] = 255;
      }
      offset += chunk.length;
      callback(null, out);
    },
  });
}

/**
 * Write `entries` in the given order as a gzip-compressed tar at `output` (replaced atomically).
 * The caller orders the entries; the bytes depend only on the entries' paths, modes and contents.
 * @throws WheelhouseError "SIZE_MISMATCH" when a file's size differs from `file.size`;
 *   file system errors propagate. Nothing is left at `output` on failure.
 */
export async function writeTarGz(output: string, entries: TarEntry[]): Promise<void> {
  const temp = `${output}.${process.pid}.partial`;
  try {
    await pipeline(
      Readable.from(tarStream(entries)),
      createGzip({ level: 6 }),
      fixGzipOsByte(),
      createWriteStream(temp),
    );
    await rename(temp, output);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
