// A zip archive held in memory: its central directory parsed synchronously, members inflated
// on demand with their CRC-32 checked. Used for archives small enough to read whole (nearly
// every wheel): yauzl, used for bigger files, spends an event-loop turn per directory entry,
// which dominated `add` on wheels with thousands of members.
// Spec: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.3.7 local header,
//       4.3.12 central directory header, 4.3.14-16 zip64 end records, 4.5.3 zip64 extra field)
// Traps:
// - The end of central directory record is searched backwards: a comment may follow it.
// - Sizes and offsets of 0xFFFFFFFF live in the zip64 extra field, in a fixed order, only
//   for the fields that overflowed.
// - The data offset comes from the local header (its name and extra lengths may differ from
//   the central directory's).

import { crc32, inflateRawSync } from "node:zlib";
import { quote, WheelhouseError } from "../pep/errors.js";

interface Member {
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** A zip in memory: member names in archive order and a reader. */
export interface ZipDirectory {
  names: string[];
  read(name: string): Buffer;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

function fail(code: string, label: string, why: string): WheelhouseError {
  return new WheelhouseError(
    code,
    code === "NOT_A_ZIP"
      ? `${quote(label)} is not a zip archive`
      : `${quote(label)} is a damaged zip archive: ${why}`,
    { hint: "a wheel is a zip file; re-download it" },
  );
}

/**
 * Parse the central directory of the zip `bytes`; `label` names the file in errors.
 * `maxMember` caps the size of a member read (bytes).
 * @throws WheelhouseError "NOT_A_ZIP" without an end of central directory record,
 *   "CORRUPT_ARCHIVE" for a damaged directory or member.
 */
export function readZipDirectory(bytes: Buffer, label: string, maxMember: number): ZipDirectory {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail("NOT_A_ZIP", label, "");
  let count = bytes.readUInt16LE(eocd + 10);
  let cdOffset = bytes.readUInt32LE(eocd + 16);
  if (cdOffset === MAX32 || count === 0xffff) {
    const locator = eocd - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR) {
      throw fail("CORRUPT_ARCHIVE", label, "zip64 locator missing");
    }
    const z = Number(bytes.readBigUInt64LE(locator + 8));
    if (z + 56 > bytes.length || bytes.readUInt32LE(z) !== ZIP64_EOCD) {
      throw fail("CORRUPT_ARCHIVE", label, "zip64 end record missing");
    }
    count = Number(bytes.readBigUInt64LE(z + 32));
    cdOffset = Number(bytes.readBigUInt64LE(z + 48));
  }
  const members = new Map<string, Member>();
  let p = cdOffset;
  try {
    for (let i = 0; i < count; i++) {
      if (bytes.readUInt32LE(p) !== CENTRAL) throw new Error(`bad directory entry ${i}`);
      const nameLength = bytes.readUInt16LE(p + 28);
      const extraLength = bytes.readUInt16LE(p + 30);
      const commentLength = bytes.readUInt16LE(p + 32);
      const name = bytes.toString("utf8", p + 46, p + 46 + nameLength);
      const member: Member = {
        flags: bytes.readUInt16LE(p + 8),
        method: bytes.readUInt16LE(p + 10),
        crc: bytes.readUInt32LE(p + 16),
        compressedSize: bytes.readUInt32LE(p + 20),
        size: bytes.readUInt32LE(p + 24),
        localOffset: bytes.readUInt32LE(p + 42),
      };
      applyZip64(member, bytes.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
      members.set(name, member);
      p += 46 + nameLength + extraLength + commentLength;
    }
  } catch (error) {
    throw fail("CORRUPT_ARCHIVE", label, (error as Error).message);
  }
  return {
    names: [...members.keys()],
    read: (name) => readMember(bytes, members.get(name), name, label, maxMember),
  };
}

function applyZip64(member: Member, extra: Buffer): void {
  for (let q = 0; q + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(q);
    const size = extra.readUInt16LE(q + 2);
    if (id === 0x0001) {
      let r = q + 4;
      const next = () => {
        const v = Number(extra.readBigUInt64LE(r));
        r += 8;
        return v;
      };
      if (member.size === MAX32) member.size = next();
      if (member.compressedSize === MAX32) member.compressedSize = next();
      if (member.localOffset === MAX32) member.localOffset = next();
    }
    q += 4 + size;
  }
}

function readMember(
  bytes: Buffer,
  member: Member | undefined,
  name: string,
  label: string,
  maxMember: number,
): Buffer {
  if (member === undefined) throw fail("CORRUPT_ARCHIVE", label, `no member ${quote(name)}`);
  if (member.flags & 1) throw fail("CORRUPT_ARCHIVE", label, `member ${quote(name)} is encrypted`);
  if (member.size > maxMember) {
    throw fail("CORRUPT_ARCHIVE", label, `member ${quote(name)} is larger than ${maxMember}`);
  }
  try {
    const h = member.localOffset;
    if (bytes.readUInt32LE(h) !== LOCAL) throw new Error("bad local header");
    const start = h + 30 + bytes.readUInt16LE(h + 26) + bytes.readUInt16LE(h + 28);
    const raw = bytes.subarray(start, start + member.compressedSize);
    if (raw.length !== member.compressedSize) throw new Error("truncated");
    let data: Buffer;
    if (member.method === 0) data = raw;
    else if (member.method === 8) data = inflateRawSync(raw, { maxOutputLength: maxMember + 1 });
    else throw new Error(`compression method ${member.method} is not supported`);
    if (data.length !== member.size) throw new Error("size differs from the directory");
    if (crc32(data) >>> 0 !== member.crc) throw new Error("CRC-32 mismatch");
    return Buffer.from(data);
  } catch (error) {
    throw fail("CORRUPT_ARCHIVE", label, `member ${quote(name)}: ${(error as Error).message}`);
  }
}
