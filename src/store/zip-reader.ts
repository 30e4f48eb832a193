// Read a few members of a zip archive (wheels, .zip sdists) without extracting it: yauzl reads the
// central directory, then only the members asked for.
// Spec: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (ZIP), PEP 427 (wheels are zips)
// Traps:
// - "not a zip" (no end of central directory) and "a damaged zip" are different errors for the user.
// - A member's declared size is checked before reading so a zip bomb cannot fill memory.
// - yauzl spends an event-loop turn per central directory entry: thousands on a big wheel.
//   Archives up to 64 MB are read into memory and parsed by zip-directory.ts instead; yauzl
//   reads the bigger ones from disk.

import { readFile, stat } from "node:fs/promises";
import yauzl from "yauzl";
import { quote, WheelhouseError } from "../pep/errors.js";
import { readZipDirectory } from "./zip-directory.js";

/** The largest member read into memory (core metadata, pyproject.toml), in bytes. */
export const MAX_MEMBER_BYTES = 16 * 1024 * 1024;

/** Zips up to this size (bytes) are read into memory whole. */
const IN_MEMORY_BYTES = 64 * 1024 * 1024;

/** An open zip: the member names in archive order, a reader, and close(). */
export interface ZipArchive {
  names: string[];
  read(name: string): Promise<Buffer>;
  close(): void;
}

/**
 * Open the zip at `source` (a path, or the file's bytes); `label` (the filename) names it in
 * errors. Files up to `inMemoryBytes` are read whole and parsed in memory, bigger ones by yauzl.
 * @throws WheelhouseError "NOT_A_ZIP" when the file has no zip directory, "CORRUPT_ARCHIVE" when
 *   the directory is damaged.
 */
export async function openZip(
  source: string | Buffer,
  label: string,
  inMemoryBytes = IN_MEMORY_BYTES,
): Promise<ZipArchive> {
  if (!Buffer.isBuffer(source) && (await stat(source)).size <= inMemoryBytes) {
    source = await readFile(source);
  }
  if (Buffer.isBuffer(source)) {
    const directory = readZipDirectory(source, label, MAX_MEMBER_BYTES);
    return { names: directory.names, read: async (n) => directory.read(n), close: () => {} };
  }
  const path = source;
  const options = { lazyEntries: true, autoClose: false };
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (error: Error | null, zipfile: yauzl.ZipFile) => {
      if (error) reject(error);
      else resolve(zipfile);
    };
    yauzl.open(path, options, done);
  }).catch((error: Error) => {
    const notZip = /end of central directory|not a zip/i.test(error.message);
    throw new WheelhouseError(
      notZip ? "NOT_A_ZIP" : "CORRUPT_ARCHIVE",
      notZip
        ? `${quote(label)} is not a zip archive`
        : `${quote(label)} is a damaged zip archive: ${error.message}`,
      { cause: error, hint: "a wheel is a zip file; re-download it" },
    );
  });
  const entries = new Map<string, yauzl.Entry>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on("end", () => resolve());
      zip.on("error", reject);
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw corrupt(label, error);
  }
  return {
    names: [...entries.keys()],
    read: (name) => readEntry(zip, entries.get(name), name, label),
    close: () => zip.close(),
  };
}

function corrupt(label: string, error: unknown): WheelhouseError {
  return new WheelhouseError(
    "CORRUPT_ARCHIVE",
    `${quote(label)} is a damaged archive: ${(error as Error).message}`,
    { cause: error, hint: "re-download the file" },
  );
}

async function readEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry | undefined,
  name: string,
  label: string,
): Promise<Buffer> {
  if (entry === undefined) throw corrupt(label, new Error(`no member ${quote(name)}`));
  if (entry.uncompressedSize > MAX_MEMBER_BYTES) {
    throw corrupt(label, new Error(`member ${quote(name)} is larger than ${MAX_MEMBER_BYTES}`));
  }
  try {
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
      zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s)));
    });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (error) {
    throw corrupt(label, error);
  }
}
