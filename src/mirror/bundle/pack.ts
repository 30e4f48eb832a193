// The archive layout shared by bundle and export: manifest.json first, then every other member
// in byte order of its path; distributions come straight from the store's blobs.
// Spec: docs/bundle.md (layout); reproducibility as in https://reproducible-builds.org/docs/archives/
// Traps:
// - manifest.json goes first (the importer checks while streaming); everything after it is
//   sorted so the order never depends on the catalog or the file system.
// - The manifest lists the documents' hashes, so the documents are rendered before it.

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { blobPath, hashFile, type Store, type StoredFile } from "../../store/index.js";
import {
  formatManifest,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestFile,
  parseManifest,
} from "./manifest.js";
import { readArchive, readMember } from "./tar-reader.js";
import { type TarEntry, writeTarGz } from "./tar-writer.js";

/** A generated file of the archive root. */
export interface Document {
  path: string;
  text: string;
  /** Default 0o644. */
  mode?: number;
}

/** A provenance object (PEP 740) to carry for a distribution: its JSON text as kept. */
export interface ProvenanceDocument {
  filename: string;
  body: string;
}

/** What was written. */
export interface PackReport {
  output: string;
  manifest: Manifest;
  /** sha256 (hex) and size (bytes) of the archive. */
  sha256: string;
  size: number;
}

/** The manifest entry of a stored file. */
export function manifestFile(file: StoredFile): ManifestFile {
  return {
    path: `wheels/${file.filename}`,
    filename: file.filename,
    project: file.project,
    version: file.version,
    sha256: file.sha256,
    size: file.size,
    ...(file.requiresPython !== undefined ? { requiresPython: file.requiresPython } : {}),
    ...(file.yanked !== false ? { yanked: file.yanked } : {}),
    ...(file.uploadTime !== undefined ? { uploadTime: file.uploadTime } : {}),
  };
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Write the archive at `output`: manifest.json (from `head` plus the files, documents and
 * provenances), the documents, `files` under wheels/ read from the store's blobs, and
 * `provenances` under provenance/.
 * @throws WheelhouseError "SIZE_MISMATCH" when a blob's size differs from the catalog's;
 *   file system errors propagate.
 */
export async function packArchive(
  store: Store,
  output: string,
  head: Pick<Manifest, "kind" | "tool" | "inputs" | "targets" | "projectStatuses">,
  documents: Document[],
  files: StoredFile[],
  provenances: ProvenanceDocument[] = [],
): Promise<PackReport> {
  const unique = new Map(files.map((f) => [f.filename, f]));
  const docs = documents.map((d) => {
    const bytes = Buffer.from(d.text, "utf8");
    return { path: d.path, mode: d.mode ?? 0o644, bytes, sha256: sha256(bytes) };
  });
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_VERSION,
    ...head,
    documents: docs.map((d) => ({ path: d.path, sha256: d.sha256, size: d.bytes.length })),
    files: [...unique.values()].map(manifestFile),
  };
  const carried = provenances.map((p) => {
    const bytes = Buffer.from(p.body, "utf8");
    return { path: `provenance/${p.filename}.json`, filename: p.filename, bytes };
  });
  if (carried.length > 0) {
    manifest.provenances = carried.map((p) => ({
      path: p.path,
      filename: p.filename,
      sha256: sha256(p.bytes),
      size: p.bytes.length,
    }));
  }
  const text = formatManifest(manifest);
  const entries: TarEntry[] = [
    ...docs.map((d) => ({ path: d.path, mode: d.mode, bytes: d.bytes })),
    { path: "wheels/", mode: 0o755, directory: true },
    ...[...unique.values()].map((f) => ({
      path: `wheels/${f.filename}`,
      mode: 0o644,
      file: { path: blobPath(store, f.sha256), size: f.size },
    })),
    ...(carried.length > 0 ? [{ path: "provenance/", mode: 0o755, directory: true as const }] : []),
    ...carried.map((p) => ({ path: p.path, mode: 0o644, bytes: p.bytes })),
  ].sort(byPath);
  await writeTarGz(output, [
    { path: "manifest.json", mode: 0o644, bytes: Buffer.from(text, "utf8") },
    ...entries,
  ]);
  // Hashed from disk as a stream: archives of a mirror pass 2 GiB, more than one Buffer holds.
  const written = await hashFile(output);
  return {
    output,
    manifest: JSON.parse(text) as Manifest,
    sha256: written.sha256,
    size: written.size,
  };
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The manifest of a previous bundle or export: `path` is its .tar.gz (only the first member is
 * read) or a manifest.json.
 * @throws WheelhouseError "MANIFEST_MISSING", "INVALID_MANIFEST", "CORRUPT_ARCHIVE".
 */
export async function readManifestFrom(path: string): Promise<Manifest> {
  const label = basename(path);
  if (path.endsWith(".json")) return parseManifest(await readFile(path, "utf8"), label);
  let text: string | undefined;
  let first: string | undefined;
  let pending: Promise<void> | undefined;
  await readArchive(path, label, (member) => {
    first ??= member.path;
    if (member.path !== "manifest.json" || text !== undefined || pending !== undefined) {
      member.stream.resume();
      return "stop";
    }
    pending = readMember(member, 64 * 1024 * 1024).then((b) => {
      text = b.toString("utf8");
    });
    return pending;
  });
  if (text === undefined) {
    throw new WheelhouseError(
      "MANIFEST_MISSING",
      `${quote(label)} does not start with manifest.json${first ? ` (first member: ${quote(first)})` : ""}`,
      { hint: "pass a .tar.gz made by `wheelhouse bundle`/`export`, or its manifest.json" },
    );
  }
  return parseManifest(text, label);
}
