// Phase one of a write: put a distribution's blob and its core metadata blob in place, checked,
// and describe the row to commit. Nothing reaches the catalog here, so a crash after staging
// leaves at worst orphan blobs for gc (which spares young blobs: see gc.ts).
// Spec: https://peps.python.org/pep-0658/ (metadata served byte-identical from its own blob)
// Traps:
// - The bytes inspected are the bytes stored, even if the source changes meanwhile: a small
//   local file is copied into tmp/ and that copy read once into memory, bytes given (a
//   download) are used as they are; a stream is inspected from its copy in tmp/.
// - The filename is parsed before any byte is written, so an unknown extension costs nothing.
// - A known filename with another sha256 is refused here already (FILENAME_CONFLICT) to spare a
//   pointless blob; commitProject checks again inside its transaction, which is authoritative.

import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { quote, WheelhouseError } from "../pep/errors.js";
import { parseDistributionFilename } from "../pep/filename.js";
import {
  type BlobExpectation,
  type BlobRef,
  copyToTemp,
  discardTemp,
  promoteTemp,
  putBlob,
  putVerifiedBytes,
  readLocal,
  verifyBytes,
  writeTemp,
} from "./blobs.js";
import { ChunkedBytes } from "./chunked-bytes.js";
import {
  type InspectedDistribution,
  inspectDistribution,
  inspectDistributionBytes,
} from "./inspect.js";
import { findFile } from "./queries.js";
import type { Store } from "./store.js";
import type { StagedFile, UpstreamFacts } from "./types.js";

/** Local files up to this size (bytes) are read into memory whole. */
const IN_MEMORY = 64 * 1024 * 1024;

/** A file to stage: its distribution filename plus what its source says about it. */
export interface StageInput extends UpstreamFacts {
  filename: string;
}

/** The error for a filename already stored with other bytes. */
export function filenameConflict(filename: string, stored: string, got: string): WheelhouseError {
  return new WheelhouseError(
    "FILENAME_CONFLICT",
    `${quote(filename)} is already stored with sha256 ${stored}; this file has sha256 ${got}`,
    { hint: "a published filename never changes content; remove the other file or rename neither" },
  );
}

/**
 * Stage a distribution read from `source` (a local path, its bytes, or a stream of them): write it to
 * tmp/ while hashing, check `input.sha256`/`input.size`, inspect its core metadata, store the
 * metadata bytes as their own blob, then move the file to its content address.
 * Commit the result with {@link commitProject}.
 * @returns the row to commit (`source` defaults to the absolute path, or "stream").
 * @throws WheelhouseError naming the file: those of inspectDistribution, "SIZE_MISMATCH",
 *   "HASH_MISMATCH", "FILENAME_CONFLICT", "STORE_WRITE_FAILED"; nothing is left in the store.
 */
export async function stageDistribution(
  store: Store,
  source: string | Buffer | ChunkedBytes | Readable,
  input: StageInput,
): Promise<StagedFile> {
  const { filename } = input;
  const parsed = parseDistributionFilename(filename);
  const expect = {
    label: filename,
    ...(input.sha256 !== undefined ? { sha256: input.sha256 } : {}),
    ...(input.hashes !== undefined ? { hashes: input.hashes } : {}),
    ...(input.size !== undefined ? { size: input.size } : {}),
    ...(input.source !== undefined ? { source: input.source } : {}),
  };
  const staged =
    Buffer.isBuffer(source) || source instanceof ChunkedBytes
      ? await stageBytes(store, source, expect)
      : typeof source === "string"
        ? await stageSmallFile(store, source, expect)
        : undefined;
  const { blob, metadata, inspected } =
    staged ??
    (await stageStream(
      store,
      typeof source === "string" ? readLocal(source) : (source as Readable),
      expect,
    ));
  return {
    filename,
    project: inspected.name,
    displayName: inspected.displayName,
    version: inspected.version,
    sha256: blob.sha256,
    size: blob.size,
    packageType: parsed.kind === "wheel" ? "bdist_wheel" : "sdist",
    tags: inspected.tags ?? [],
    ...optional("requiresPython", input.requiresPython ?? inspected.metadata.requiresPython),
    yanked: input.yanked ?? false,
    ...optional("uploadTime", input.uploadTime),
    metadataSha256: metadata.sha256,
    metadataSize: metadata.size,
    source: input.source ?? (typeof source === "string" ? resolve(source) : "stream"),
  };
}

interface Stored {
  blob: BlobRef;
  metadata: BlobRef;
  inspected: InspectedDistribution;
}

function checkConflict(store: Store, filename: string, sha256: string): void {
  const known = findFile(store, filename);
  if (known !== undefined && known.sha256 !== sha256) {
    throw filenameConflict(filename, known.sha256, sha256);
  }
}

// A small local file is copied into tmp/ and the copy read back once: hashed, checked and
// inspected in memory, then promoted; the metadata blob is written beside it.
async function stageSmallFile(
  store: Store,
  path: string,
  expect: BlobExpectation,
): Promise<Stored | undefined> {
  const size = statSync(path, { throwIfNoEntry: false })?.size;
  if (size === undefined || size > IN_MEMORY) return undefined;
  const temp = await copyToTemp(store, path, expect.label);
  try {
    const ref = verifyBytes(temp.bytes, expect);
    checkConflict(store, expect.label, ref.sha256);
    const inspected = await inspectDistributionBytes(temp.bytes, expect.label);
    const [blob, metadata] = await Promise.all([
      promoteTemp(store, { path: temp.path, ...ref }),
      putBlob(store, inspected.metadataBytes, { label: `${expect.label}.metadata` }),
    ]);
    return { blob, metadata, inspected };
  } catch (error) {
    await discardTemp(temp);
    throw error;
  }
}

// Bytes in memory (a download): hashed once, checked and inspected before anything
// is written, then the distribution and metadata blobs are written side by side.
async function stageBytes(
  store: Store,
  bytes: Buffer | ChunkedBytes,
  expect: BlobExpectation,
): Promise<Stored> {
  const ref = verifyBytes(bytes, expect);
  checkConflict(store, expect.label, ref.sha256);
  const inspected = await inspectDistributionBytes(bytes, expect.label);
  const [blob, metadata] = await Promise.all([
    putVerifiedBytes(store, bytes, ref, expect.label),
    putBlob(store, inspected.metadataBytes, { label: `${expect.label}.metadata` }),
  ]);
  return { blob, metadata, inspected };
}

// A stream (a download) goes to tmp/ first; it is inspected there, then moved into place.
async function stageStream(
  store: Store,
  source: Readable,
  expect: BlobExpectation,
): Promise<Stored> {
  const temp = await writeTemp(store, source, expect);
  try {
    checkConflict(store, expect.label, temp.sha256);
    const inspected = await inspectDistribution(temp.path, expect.label);
    const metadata = await putBlob(store, inspected.metadataBytes, {
      label: `${expect.label}.metadata`,
    });
    return { blob: await promoteTemp(store, temp), metadata, inspected };
  } catch (error) {
    await discardTemp(temp);
    throw error;
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
