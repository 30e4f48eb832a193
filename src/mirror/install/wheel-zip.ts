// A wheel opened for installing: its members (with the unix mode bits zip tools keep in the
// upper half of the external attributes) and their bytes. Wheels up to MAX_IN_MEMORY are read
// whole and their central directory parsed here, synchronously; bigger ones are streamed by
// yauzl (imported only then).
// Spec: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.3.7 local header,
// 4.3.12 central directory header, 4.3.14-16 zip64 records, 4.4.15 external attributes),
// https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// Traps:
// - Names come back raw (no validation here): the installer refuses unsafe ones itself.
// - Thousands of tiny members: yauzl spends an event-loop turn per directory entry and a
//   stream per member, which dominated installs. In memory each member is inflated
//   synchronously; its RECORD hash (checked by the caller) is stronger than the CRC-32, and
//   its size is checked against the directory (inflate is capped one byte past it: no bombs).
// - The data offset comes from the local header, whose name and extra lengths may differ from
//   the central directory's. Sizes of 0xFFFFFFFF live in the zip64 extra field.

import { readFile, stat } from "node:fs/promises";
import { PassThrough } from "node:stream";
import { inflateRawSync } from "node:zlib";
import type yauzl from "yauzl";
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

interface Member {
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  mode: number;
}

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
 * @throws WheelhouseError "NOT_A_ZIP" / "CORRUPT_ARCHIVE"; stream(), read() and readNow()
 *   throw "CORRUPT_ARCHIVE" for a damaged member.
 */
export async function openWheel(path: string, filename: string): Promise<OpenWheel> {
  if ((await stat(path)).size > MAX_IN_MEMORY) return openStreamed(path, filename);
  return openWheelBytes(await readFile(path), filename);
}

/** {@link openWheel} over the wheel's bytes. @throws as openWheel. */
export function openWheelBytes(whole: Buffer, filename: string): OpenWheel {
  let byName: Map<string, Member>;
  try {
    byName = readDirectory(whole);
  } catch (error) {
    throw damaged(filename, error);
  }
  const readNow = (name: string): Buffer => {
    const m = byName.get(name);
    try {
      if (!m) throw new Error(`no member ${quote(name)}`);
      if (m.flags & 1) throw new Error(`member ${quote(name)} is encrypted`);
      const at = m.localOffset;
      if (whole.readUInt32LE(at) !== 0x04034b50)
        throw new Error(`bad local header for ${quote(name)}`);
      const start = at + 30 + whole.readUInt16LE(at + 26) + whole.readUInt16LE(at + 28);
      const raw = whole.subarray(start, start + m.compressedSize);
      if (raw.length !== m.compressedSize) throw new Error(`member ${quote(name)} is truncated`);
      let data: Buffer;
      if (m.method === 0) data = raw;
      else if (m.method === 8) data = inflateRawSync(raw, { maxOutputLength: m.size + 1 });
      else throw new Error(`member ${quote(name)} uses compression method ${m.method}`);
      if (data.length !== m.size) throw new Error(`member ${quote(name)} has the wrong size`);
      return data;
    } catch (error) {
      throw damaged(filename, error);
    }
  };
  return {
    entries: [...byName].map(([name, m]) => member(name, m.mode)),
    readNow,
    read: async (name) => readNow(name),
    stream: async (name) => {
      const out = new PassThrough();
      out.end(readNow(name));
      return out;
    },
    close: () => {},
  };
}

function member(name: string, mode: number): WheelMember {
  return {
    name,
    isSymlink: (mode & 0o170000) === 0o120000,
    executable: (mode & 0o111) !== 0,
  };
}

/** Name -> member of the central directory. Throws plain Errors (wrapped by the caller). */
function readDirectory(bytes: Buffer): Map<string, Member> {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("end of central directory record signature not found");
  let count = bytes.readUInt16LE(eocd + 10);
  let p = bytes.readUInt32LE(eocd + 16);
  if (p === 0xffffffff || count === 0xffff) {
    const locator = eocd - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== 0x07064b50)
      throw new Error("zip64 locator missing");
    const z = Number(bytes.readBigUInt64LE(locator + 8));
    if (bytes.readUInt32LE(z) !== 0x06064b50) throw new Error("zip64 end record missing");
    count = Number(bytes.readBigUInt64LE(z + 32));
    p = Number(bytes.readBigUInt64LE(z + 48));
  }
  const members = new Map<string, Member>();
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad directory entry ${i}`);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const m: Member = {
      flags: bytes.readUInt16LE(p + 8),
      method: bytes.readUInt16LE(p + 10),
      compressedSize: bytes.readUInt32LE(p + 20),
      size: bytes.readUInt32LE(p + 24),
      localOffset: bytes.readUInt32LE(p + 42),
      mode: bytes.readUInt32LE(p + 38) >>> 16,
    };
    const extraAt = p + 46 + nameLength;
    applyZip64(m, bytes.subarray(extraAt, extraAt + extraLength));
    members.set(bytes.toString("utf8", p + 46, extraAt), m);
    p = extraAt + extraLength + commentLength;
  }
  return members;
}

function applyZip64(m: Member, extra: Buffer): void {
  for (let q = 0; q + 4 <= extra.length; q += 4 + extra.readUInt16LE(q + 2)) {
    if (extra.readUInt16LE(q) !== 0x0001) continue;
    let r = q + 4;
    const next = () => {
      const v = Number(extra.readBigUInt64LE(r));
      r += 8;
      return v;
    };
    if (m.size === 0xffffffff) m.size = next();
    if (m.compressedSize === 0xffffffff) m.compressedSize = next();
    if (m.localOffset === 0xffffffff) m.localOffset = next();
  }
}

/** A wheel too big for memory: yauzl lists it and streams each member (CRC checked). */
async function openStreamed(path: string, filename: string): Promise<OpenWheel> {
  const { default: yauzlModule } = await import("yauzl");
  let zip: yauzl.ZipFile;
  const byName = new Map<string, yauzl.Entry>();
  const zipOptions = { lazyEntries: true, autoClose: false, strictFileNames: false };
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzlModule.open(path, zipOptions, (e, z) => (e ? reject(e) : resolve(z))),
    );
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
      const out = new PassThrough();
      s.on("error", (e) => out.destroy(damaged(filename, e)));
      s.pipe(out);
      return out;
    } catch (error) {
      throw damaged(filename, error);
    }
  };
  return {
    entries: [...byName.values()].map((e) => member(e.fileName, e.externalFileAttributes >>> 16)),
    readNow: () => undefined,
    stream,
    read: async (name) => {
      const chunks: Buffer[] = [];
      for await (const c of await stream(name)) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    close: () => zip.close(),
  };
}
