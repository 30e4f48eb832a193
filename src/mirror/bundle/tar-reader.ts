// Stream the members of an untrusted .tar.gz one by one, refusing anything that could escape or
// alias a path before any byte of it is used.
// Spec: POSIX ustar/pax, https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html;
// gzip RFC 1952 (its CRC-32 and length trailer catch truncation and most damage).
// Traps:
// - We gunzip ourselves so a truncated or corrupt gzip surfaces as an error of the stream we
//   own, and then fail the member being read instead of leaving its consumer waiting forever.
// - tar's parser only warns on damage unless `strict`; strict turns a truncated tar into an error.
// - tar's parser hands out one member at a time (the next after this one's body is read), so
//   consumers see members in archive order and memory stays bounded by backpressure.
// - Refused: absolute paths (also "C:" and "\\"), "..", empty or "." segments, hard and
//   symbolic links, devices, FIFOs; pax headers are applied by the parser, never seen here.

import { createReadStream } from "node:fs";
import { PassThrough, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { isSafeRelativePath } from "./manifest.js";

/** A regular file of the archive, handed to the consumer. */
export interface ArchiveMember {
  /** Normalized path ("./" prefixes removed). */
  path: string;
  /** Bytes, from the header. */
  size: number;
  /** Its content; must be consumed (or resumed) for the archive to go on. */
  stream: Readable;
}

/**
 * What the consumer does with one member. Return a promise for work that may finish after the
 * stream ends (it is awaited before readArchive resolves); return "stop" to end reading early.
 */
export type MemberHandler = (member: ArchiveMember) => Promise<void> | "stop";

/**
 * Read `path` (a .tar.gz) member by member; `label` names it in messages. Directory entries are
 * skipped after their path is checked.
 * @throws WheelhouseError "UNSAFE_ENTRY" (path or type), "CORRUPT_ARCHIVE" (truncated or damaged,
 *   naming the member being read when there is one), or the first error of a handler.
 */
export async function readArchive(
  path: string,
  label: string,
  onMember: MemberHandler,
): Promise<void> {
  const input = createReadStream(path);
  const gunzip = createGunzip();
  const pending: Promise<void>[] = [];
  let current: { path: string; stream: PassThrough } | undefined;
  let failure: unknown;
  let stopped = false;
  let finish = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const fail = (error: unknown) => {
    failure ??= error;
    finish();
    current?.stream.destroy(error as Error);
    input.destroy();
    gunzip.destroy();
  };
  const corrupt = (cause: unknown) => {
    const where = current ? ` while reading ${quote(current.path)}` : "";
    return new WheelhouseError(
      "CORRUPT_ARCHIVE",
      `${quote(label)} is truncated or damaged${where}: ${(cause as Error).message ?? cause}`,
      { cause, hint: "copy the archive again; compare its sha256 with the original's" },
    );
  };

  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      if (failure !== undefined || stopped) {
        entry.resume();
        return;
      }
      const name = entry.path.replace(/^(\.\/)+/, "");
      const unsafe = (why: string) =>
        fail(
          new WheelhouseError(
            "UNSAFE_ENTRY",
            `${quote(label)}: entry ${quote(entry.path)} ${why}`,
            {
              hint: "the archive was not made by wheelhouse, or was altered; nothing was imported",
            },
          ),
        );
      const dirName = name.replace(/\/+$/, "");
      if (!isSafeRelativePath(entry.type === "Directory" ? dirName : name)) {
        unsafe("has an absolute or parent (..) path");
      } else if (entry.type === "Directory") {
        entry.resume();
        return;
      } else if (
        entry.type !== "File" &&
        entry.type !== "OldFile" &&
        entry.type !== "ContiguousFile"
      ) {
        unsafe(`is a ${entry.type}, not a regular file`);
      }
      if (failure !== undefined) {
        entry.resume();
        return;
      }
      const stream = new PassThrough();
      // Errors reach the consumer through its own reads; this keeps a destroy from crashing.
      stream.on("error", () => {});
      current = { path: name, stream };
      entry.on("end", () => {
        if (current?.stream === stream) current = undefined;
      });
      entry.pipe(stream);
      const result = onMember({ path: name, size: entry.size, stream });
      if (result === "stop") {
        stopped = true;
        input.destroy();
        gunzip.destroy();
        finish();
        return;
      }
      result.catch(fail);
      pending.push(result);
    },
  });

  parser.on("end", () => finish());
  parser.on("close", () => finish());
  parser.on("error", (e: unknown) => {
    if (!stopped) fail(corrupt(e));
  });
  gunzip.on("error", (e) => {
    if (!stopped) fail(corrupt(e));
  });
  input.on("error", (e) => {
    if (!stopped) fail(e);
  });
  input.pipe(gunzip).pipe(parser as unknown as NodeJS.WritableStream);
  await finished;
  if (current !== undefined && failure === undefined && !stopped) {
    fail(corrupt(new Error("the archive ends inside this member")));
  }
  await Promise.allSettled(pending);
  if (failure !== undefined) throw failure;
}

/** Read a whole member into memory, refusing more than `max` bytes. */
export async function readMember(member: ArchiveMember, max: number): Promise<Buffer> {
  if (member.size > max) {
    member.stream.resume();
    throw new WheelhouseError(
      "FILE_TOO_LARGE",
      `${quote(member.path)} is larger than ${max} bytes`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of member.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
