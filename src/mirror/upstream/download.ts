// Stream a distribution file to a sink while hashing it, and check the sha256 and size the index
// stated. Nothing is trusted until the last byte is hashed: the caller (the store) writes to a
// temporary place and keeps the file only when this resolves.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/ (hashes)
// Traps:
// - A body longer than the stated size is cut off at once (a wrong or hostile server cannot fill
//   the disk); a shorter one is caught at the end.
// - Errors of the body (network) and of the sink (disk full) are told apart: only the first are
//   wrapped as NETWORK_ERROR / TIMEOUT with the URL.
// - file: URLs (find-links directories) are read from disk, never through the network client.
// - readDistribution does not hash: its caller (the store) hashes the bytes it keeps, once. A
//   file bigger than the memory bound is handed over as a stream from the first byte on, so
//   memory stays bounded whatever the index says (or does not say) about the size.

import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { ChunkedBytes } from "../../store/chunked-bytes.js";
import type { HttpClient } from "../http/http-client.js";
import { redactUrl, wrapNetworkError } from "../http/http-errors.js";

/** What to download: a CandidateFile or DistributionFile-like value. */
export interface DownloadTarget {
  filename: string;
  /** http(s) or file: URL. */
  url: string;
  /** Expected lower-case hex sha256, when known. */
  sha256?: string;
  /** Expected size in bytes, when known. */
  size?: number;
}

/** A Writable (ended when the download ends) or a callback given each chunk in order. */
export type DownloadSink = Writable | ((chunk: Buffer) => void | Promise<void>);

/** What was actually received. */
export interface DownloadResult {
  sha256: string;
  size: number;
}

export interface DownloadOptions {
  /** Called with the byte count of each chunk as it arrives (progress bars). */
  onBytes?(bytes: number): void;
}

function sizeMismatch(target: DownloadTarget, actual: string): WheelhouseError {
  return new WheelhouseError(
    "SIZE_MISMATCH",
    `${quote(target.filename)} from ${quote(redactUrl(target.url))} is ${actual} bytes, expected ${target.size}`,
    { hint: "the file changed upstream or was cut in transit; nothing was kept, try again" },
  );
}

/** The HASH_MISMATCH error: names file, URL, expected and actual digest. */
export function hashMismatch(target: DownloadTarget, actual: string): WheelhouseError {
  return new WheelhouseError(
    "HASH_MISMATCH",
    `${quote(target.filename)} from ${quote(redactUrl(target.url))} has sha256 ${actual}, expected ${target.sha256}`,
    { hint: "the file changed upstream or was corrupted in transit; nothing was kept" },
  );
}

async function openBody(http: HttpClient, url: string): Promise<Readable> {
  if (/^file:/i.test(url)) {
    const path = fileURLToPath(url);
    const stream = createReadStream(path);
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", (cause) =>
        reject(
          new WheelhouseError("FILE_NOT_FOUND", `local file ${quote(path)} cannot be read`, {
            cause,
          }),
        ),
      );
    });
    return stream;
  }
  return (await http.get(url)).body;
}

/**
 * Download `target` into `sink`, hashing as it streams; resolves with the sha256 and size once
 * every byte is written and checked.
 * @throws WheelhouseError "HASH_MISMATCH" (file, URL, expected and actual digest),
 *   "SIZE_MISMATCH", the HTTP client's errors (HTTP_ERROR, NETWORK_ERROR, TIMEOUT...), or the
 *   sink's own error unchanged.
 */
export async function downloadDistribution(
  http: HttpClient,
  target: DownloadTarget,
  sink: DownloadSink,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const body = await openBody(http, target.url);
  const hash = createHash("sha256");
  let size = 0;
  let bodyError: unknown;
  body.once("error", (error) => {
    bodyError = error;
  });
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (target.size !== undefined && size > target.size) {
        callback(sizeMismatch(target, `more than ${target.size}`));
        return;
      }
      hash.update(chunk);
      options.onBytes?.(chunk.length);
      callback(null, chunk);
    },
  });
  const out =
    typeof sink === "function"
      ? new Writable({
          write(chunk: Buffer, _encoding, callback) {
            Promise.resolve(sink(chunk)).then(() => callback(), callback);
          },
        })
      : sink;
  try {
    await pipeline(body, meter, out);
  } catch (error) {
    if (error instanceof WheelhouseError) throw error;
    if (bodyError !== undefined && !/^file:/i.test(target.url)) {
      throw wrapNetworkError(bodyError, "GET", target.url, http.timeoutMs);
    }
    throw error;
  }
  const sha256 = hash.digest("hex");
  if (target.sha256 !== undefined && target.sha256.toLowerCase() !== sha256) {
    throw hashMismatch(target, sha256);
  }
  if (target.size !== undefined && size !== target.size) throw sizeMismatch(target, String(size));
  return { sha256, size };
}

/** Options of {@link readDistribution}. */
export interface ReadOptions extends DownloadOptions {
  /** Bodies up to this many bytes are returned whole; bigger ones as a stream. */
  maxInMemory: number;
}

/**
 * Read `target`'s body into memory when it has at most `options.maxInMemory` bytes (the chunks
 * as they came, never joined: ready to hash, write and inspect without a second read or a copy),
 * else return it as a stream (the bytes already read first). The size stated by the index is
 * enforced either way; the sha256 is left to the caller, who hashes the bytes it keeps.
 * @throws WheelhouseError "SIZE_MISMATCH" (with the URL), the HTTP client's errors
 *   (HTTP_ERROR, NETWORK_ERROR, TIMEOUT...), FILE_NOT_FOUND for a missing file: URL. The
 *   returned stream fails with the same errors.
 */
export async function readDistribution(
  http: HttpClient,
  target: DownloadTarget,
  options: ReadOptions,
): Promise<ChunkedBytes | Readable> {
  const body = await openBody(http, target.url);
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let size = 0;
  const next = async (): Promise<Buffer | undefined> => {
    let step: IteratorResult<Buffer>;
    try {
      step = await chunks.next();
    } catch (error) {
      throw /^file:/i.test(target.url) || error instanceof WheelhouseError
        ? error
        : wrapNetworkError(error, "GET", target.url, http.timeoutMs);
    }
    if (step.done) {
      if (target.size !== undefined && size !== target.size) {
        throw sizeMismatch(target, String(size));
      }
      return undefined;
    }
    size += step.value.length;
    if (target.size !== undefined && size > target.size) {
      body.destroy();
      throw sizeMismatch(target, `more than ${target.size}`);
    }
    options.onBytes?.(step.value.length);
    return step.value;
  };
  const read: Buffer[] = [];
  if (target.size === undefined || target.size <= options.maxInMemory) {
    for (let chunk = await next(); chunk !== undefined; chunk = await next()) {
      read.push(chunk);
      if (size > options.maxInMemory) return Readable.from(rest(body, read, next));
    }
    return new ChunkedBytes(read);
  }
  return Readable.from(rest(body, read, next));
}

// The rest of a body as a stream; a consumer that stops early (a failed store write) releases
// the connection by destroying the body.
async function* rest(
  body: Readable,
  read: Buffer[],
  next: () => Promise<Buffer | undefined>,
): AsyncGenerator<Buffer> {
  let done = false;
  try {
    yield* read.splice(0);
    for (let chunk = await next(); chunk !== undefined; chunk = await next()) yield chunk;
    done = true;
  } finally {
    if (!done) body.destroy();
  }
}

/**
 * Download `target` to the file `path` (created or replaced); on any failure the partial file is
 * removed. Same result and errors as {@link downloadDistribution}.
 */
export async function downloadToFile(
  http: HttpClient,
  target: DownloadTarget,
  path: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  try {
    return await downloadDistribution(http, target, createWriteStream(path), options);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}
