// A wheel opened for installing: its members (with the unix mode bits zip tools keep in the
// upper half of the external attributes) and streams of their bytes, read with yauzl.
// Spec: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (external attributes),
// https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// Traps:
// - Members are streamed, never read whole, except small ones asked for with read(): native
//   libraries can be hundreds of MB.
// - yauzl checks each member's CRC and sizes while streaming; a damaged member fails there.
// - Thousands of tiny members make streams the bottleneck: a wheel up to MAX_IN_MEMORY is read
//   whole and each member inflated synchronously (its RECORD hash, checked by the caller, is a
//   stronger check than the CRC); bigger wheels are streamed.

import { readFile, stat } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import { quote, WheelhouseError } from "../../pep/errors.js";

/** One member of the wheel. */
export interface WheelMember {
  name: string;
  /** Unix mode says symlink (0o120000). */
  isSymlink: boolean;
  /** Any execute bit is set. */
  executable: boolean;
}

/** An open wheel. */
export interface OpenWheel {
  entries: WheelMember[];
  read(name: string): Promise<Buffer>;
  /** The member's bytes at once (wheels read whole); undefined when this wheel is streamed. */
  readNow(name: string): Buffer | undefined;
  stream(name: string): Promise<NodeJS.ReadableStream>;
  close(): void;
}

/** Wheels up to this many bytes are read into memory. */
const MAX_IN_MEMORY = 256 * 1024 * 1024;

function damaged(filename: string, error: unknown): WheelhouseError {
  const message = (error as Error).message;
  // yauzl itself refuses these names while listing entries; they are unsafe, not damaged.
  const unsafe =
    /^(absolute path|invalid relative path|invalid characters in fileName): (.*)$/.exec(message);
  if (unsafe) {
    const why =
      unsafe[1] === "absolute path"
        ? "it is an absolute path"
        : `it ${unsafe[1].replace("invalid", "has an invalid")}`;
    return new WheelhouseError(
      "UNSAFE_WHEEL_ENTRY",
      `wheel ${quote(filename)} has an unsafe entry ${quote(unsafe[2])}: ${why}`,
      {
        cause: error,
        hint: "the wheel is damaged or unsafe; rebuild or re-download it",
      },
    );
  }
  const notZip = /end of central directory|not a zip/i.test(message);
  return new WheelhouseError(
    notZip ? "NOT_A_ZIP" : "CORRUPT_ARCHIVE",
    notZip
      ? `wheel ${quote(filename)} is not a zip archive`
      : `wheel ${quote(filename)} is a damaged zip archive: ${message}`,
    { cause: error, hint: "a wheel is a zip file; re-download or rebuild it" },
  );
}

/**
 * Open the wheel at `path` and list its members. `filename` names it in errors.
 * @throws WheelhouseError "NOT_A_ZIP" / "CORRUPT_ARCHIVE"; stream() and read() throw
 *   "CORRUPT_ARCHIVE" for a damaged member.
 */
export async function openWheel(path: string, filename: string): Promise<OpenWheel> {
  let zip: yauzl.ZipFile;
  const byName = new Map<string, yauzl.Entry>();
  const whole = (await stat(path)).size <= MAX_IN_MEMORY ? await readFile(path) : undefined;
  const zipOptions = { lazyEntries: true, autoClose: false, strictFileNames: false };
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      const done = (e: Error | null, z: yauzl.ZipFile) => (e ? reject(e) : resolve(z));
      if (whole) yauzl.fromBuffer(whole, zipOptions, done);
      else yauzl.open(path, zipOptions, done);
    });
  } catch (error) {
    throw damaged(filename, error);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        byName.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on("end", resolve);
      zip.on("error", reject);
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw damaged(filename, error);
  }
  const stream = async (name: string): Promise<NodeJS.ReadableStream> => {
    const entry = byName.get(name);
    if (!entry) throw damaged(filename, new Error(`no member ${quote(name)}`));
    try {
      const s = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        zip.openReadStream(entry, (e, r) => (e ? reject(e) : resolve(r))),
      );
      // Errors while streaming (CRC, truncated data) surface as CORRUPT_ARCHIVE too.
      const { PassThrough } = await import("node:stream");
      const out = new PassThrough();
      s.on("error", (e) => out.destroy(damaged(filename, e)));
      s.pipe(out);
      return out;
    } catch (error) {
      throw damaged(filename, error);
    }
  };
  const readNow = (name: string): Buffer | undefined => {
    const entry = byName.get(name);
    if (!whole || !entry || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8))
      return undefined;
    try {
      const at = entry.relativeOffsetOfLocalHeader;
      if (whole.readUInt32LE(at) !== 0x04034b50)
        throw new Error(`bad local header for ${quote(name)}`);
      const start = at + 30 + whole.readUInt16LE(at + 26) + whole.readUInt16LE(at + 28);
      const raw = whole.subarray(start, start + entry.compressedSize);
      const data = entry.compressionMethod === 0 ? raw : inflateRawSync(raw);
      if (data.length !== entry.uncompressedSize)
        throw new Error(`member ${quote(name)} has the wrong size`);
      return data;
    } catch (error) {
      throw damaged(filename, error);
    }
  };
  return {
    readNow,
    entries: [...byName.values()].map((e) => {
      const mode = (e.externalFileAttributes >>> 16) & 0xffff;
      return {
        name: e.fileName,
        isSymlink: (mode & 0o170000) === 0o120000,
        executable: (mode & 0o111) !== 0,
      };
    }),
    stream,
    read: async (name) => {
      const now = readNow(name);
      if (now) return now;
      const chunks: Buffer[] = [];
      for await (const c of await stream(name)) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    close: () => zip.close(),
  };
}
