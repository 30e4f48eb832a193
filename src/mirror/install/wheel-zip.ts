// A wheel opened for installing: every member listed up front with what its unix mode says
// (symlink, executable), read through the shared zip reader (../../store/zip-reader.ts, yauzl).
// Wheels up to MAX_IN_MEMORY are read whole and each member is inflated synchronously
// (readNow) or handed over stored (rawNow, inflated on a writer thread); bigger ones are
// streamed from disk member by member.
// Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.4.15 external attributes)
// Traps:
// - Names come back raw (no validation here, nor in yauzl: decodeStrings is off): the installer
//   refuses unsafe ones itself, as UNSAFE_WHEEL_ENTRY rather than a damaged zip.
// - Members have no size limit here: the wheel's RECORD (checked by the caller) says what each
//   file is, and inflating still stops one byte past the directory's size (no bombs).
// - A name listed twice is listed once, and reads its last entry (with that entry's mode), as
//   pip does: it extracts zipfile's entries in order, so the last one stays; the store's
//   inspection reads METADATA the same way, so what is installed is what the index serves.

import type { Readable } from "node:stream";
import { openZip, type RawMember } from "../../store/zip-reader.js";

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
  /** Bytes of the wheel held in memory (0 when it is streamed from disk). */
  memoryBytes: number;
  /** sha256 (hex) of the wheel's bytes held in memory; undefined when it is streamed from disk. */
  sha256(): string | undefined;
  read(name: string): Promise<Buffer>;
  /** The member's bytes at once (wheels read whole); undefined when this wheel is streamed. */
  readNow(name: string): Buffer | undefined;
  /** The member's stored bytes, unchecked (wheels read whole); undefined when streamed. */
  rawNow(name: string): RawMember | undefined;
  stream(name: string): Promise<Readable>;
  close(): void;
}

/** Wheels up to this many bytes are read into memory. */
const MAX_IN_MEMORY = 256 * 1024 * 1024;

const UNLIMITED = Number.POSITIVE_INFINITY;

/**
 * Open the wheel at `path` and list its members. `filename` names it in errors.
 * @throws WheelhouseError "NOT_A_ZIP" / "CORRUPT_ARCHIVE"; stream(), read() and readNow()
 *   throw "CORRUPT_ARCHIVE" for a damaged member.
 */
export async function openWheel(path: string, filename: string): Promise<OpenWheel> {
  const zip = await openZip(path, filename, MAX_IN_MEMORY, { duplicates: "last", shared: true });
  const entries: WheelMember[] = [];
  const listed = new Map<string, number>();
  try {
    await zip.walk((name, { mode }) => {
      const member = {
        name,
        isSymlink: (mode & 0o170000) === 0o120000,
        executable: (mode & 0o111) !== 0,
      };
      const at = listed.get(name);
      if (at === undefined) {
        listed.set(name, entries.length);
        entries.push(member);
      } else entries[at] = member;
      return false;
    });
  } catch (error) {
    zip.close();
    throw error;
  }
  return {
    entries,
    memoryBytes: zip.memoryBytes,
    sha256: () => zip.sha256(),
    read: (name) => zip.read(name, UNLIMITED),
    readNow: (name) => zip.readNow(name, UNLIMITED),
    rawNow: (name) => zip.rawNow(name, UNLIMITED),
    stream: (name) => zip.stream(name),
    close: () => zip.close(),
  };
}
