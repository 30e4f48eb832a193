// manifest.json: what a bundle or an export holds, so the other side can check every byte before
// trusting it. Written first in the archive so an importer knows what to expect while streaming.
// Spec: wheelhouse's own format (docs/bundle.md); file fields follow the simple API's terms,
// https://packaging.python.org/en/latest/specifications/simple-repository-api/
// Traps:
// - Nothing time- or machine-dependent goes in (no creation date, no host, no store path):
//   the same inputs must give the same bytes.
// - Paths are checked here as well as in the tar reader: a manifest naming "../x" is refused.

import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseDistributionFilename } from "../../pep/filename.js";
import { canonicalizeName, isValidName } from "../../pep/names.js";
import { PROJECT_STATUSES } from "../../pep/simple-types.js";

/** The manifest format this code writes and reads. */
export const MANIFEST_FORMAT = "wheelhouse-bundle";
export const MANIFEST_VERSION = 1;

/** One distribution file carried by the archive, under `wheels/`. */
export interface ManifestFile {
  /** "wheels/<filename>". */
  path: string;
  filename: string;
  /** Canonical project name. */
  project: string;
  version: string;
  /** Lower-case hex. */
  sha256: string;
  /** Bytes. */
  size: number;
  requiresPython?: string;
  /** false, or the yank reason. */
  yanked?: false | string;
  uploadTime?: string;
}

/** A generated file of the archive (pylock.toml, requirements, scripts, README.txt). */
export interface ManifestDocument {
  path: string;
  sha256: string;
  size: number;
}

/** One target of a bundle and the requirements file written for it. */
export interface ManifestTarget {
  spec: string;
  requirements: string;
  /** Number of packages to install on it (build-only ones excluded). */
  packages: number;
}

/** A project status the exporting store held (PEP 792), carried by an export. */
export interface ManifestProjectStatus {
  /** Canonical project name. */
  name: string;
  /** "archived", "quarantined" or "deprecated". */
  status: string;
  reason?: string;
}

/**
 * The PEP 740 provenance object the exporting store kept for a distribution of the archive (or
 * of an earlier one of its chain), under `provenance/<filename>.json`, as its index served it.
 */
export interface ManifestProvenance {
  /** "provenance/<filename>.json". */
  path: string;
  /** The distribution file it is about. */
  filename: string;
  /** sha256 (lower-case hex) and size (bytes) of the provenance object itself. */
  sha256: string;
  size: number;
}

/** The whole manifest.json. */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: number;
  kind: "bundle" | "export";
  tool: { name: "wheelhouse"; version: string };
  /** What it was made from: requirements, targets, flags, or the base of a delta export. */
  inputs: Record<string, unknown>;
  targets: ManifestTarget[];
  documents: ManifestDocument[];
  files: ManifestFile[];
  /**
   * Exports only: every project status of the exporting store (the whole list, also in a
   * delta), so that import can set and lift them. Absent in bundles and older exports.
   */
  projectStatuses?: ManifestProjectStatus[];
  /** Provenance objects (PEP 740) carried for distributions; absent when none. */
  provenances?: ManifestProvenance[];
}

/** Serialize with sorted files and documents and a final newline (byte-stable). */
export function formatManifest(manifest: Manifest): string {
  const sorted: Manifest = {
    ...manifest,
    documents: [...manifest.documents].sort((a, b) => compare(a.path, b.path)),
    files: [...manifest.files].sort((a, b) => compare(a.path, b.path)),
    ...(manifest.projectStatuses
      ? { projectStatuses: [...manifest.projectStatuses].sort((a, b) => compare(a.name, b.name)) }
      : {}),
    ...(manifest.provenances
      ? { provenances: [...manifest.provenances].sort((a, b) => compare(a.path, b.path)) }
      : {}),
  };
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `path` is relative, uses "/" only and has no "", "." or ".." segment. */
export function isSafeRelativePath(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\") || /^[A-Za-z]:/.test(path)) {
    return false;
  }
  return path.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

/**
 * Parse and validate manifest.json text; `label` names the archive in messages.
 * @throws WheelhouseError "INVALID_MANIFEST" naming the bad field (wrong format or version,
 *   unsafe or duplicate path, a path that does not match its filename, a bad sha256 or size).
 */
export function parseManifest(text: string, label: string): Manifest {
  const fail = (why: string) =>
    new WheelhouseError("INVALID_MANIFEST", `${quote(label)}: manifest.json ${why}`, {
      hint: "the archive was not made by `wheelhouse bundle`/`export`, or was altered",
    });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw fail(`is not JSON: ${(cause as Error).message}`);
  }
  const m = raw as Partial<Manifest>;
  if (typeof m !== "object" || m === null || m.format !== MANIFEST_FORMAT) {
    throw fail(`has no "format": ${quote(MANIFEST_FORMAT)}`);
  }
  if (m.formatVersion !== MANIFEST_VERSION) {
    throw fail(`has format version ${quote(String(m.formatVersion))}; this wheelhouse reads 1`);
  }
  if (!Array.isArray(m.files) || !Array.isArray(m.documents) || !Array.isArray(m.targets)) {
    throw fail("lacks files, documents or targets");
  }
  const seen = new Set<string>();
  const checkEntry = (e: { path?: unknown; sha256?: unknown; size?: unknown }) => {
    if (typeof e.path !== "string" || !isSafeRelativePath(e.path)) {
      throw fail(`names an unsafe path ${quote(String(e.path))}`);
    }
    if (seen.has(e.path) || e.path === "manifest.json") {
      throw fail(`lists ${quote(e.path)} twice`);
    }
    seen.add(e.path);
    if (typeof e.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(e.sha256)) {
      throw fail(`has an invalid sha256 for ${quote(e.path)}`);
    }
    if (typeof e.size !== "number" || !Number.isSafeInteger(e.size) || e.size < 0) {
      throw fail(`has an invalid size for ${quote(e.path)}`);
    }
  };
  for (const d of m.documents) {
    checkEntry(d);
    if (d.path.includes("/")) throw fail(`names a document in a folder: ${quote(d.path)}`);
  }
  for (const f of m.files) {
    checkEntry(f);
    if (typeof f.filename !== "string" || f.path !== `wheels/${f.filename}`) {
      throw fail(`has path ${quote(f.path)} that is not wheels/<filename>`);
    }
    parseDistributionFilename(f.filename);
    // The optional facts go into the catalog as they are: an archive is untrusted input.
    const extra = f as { yanked?: unknown; requiresPython?: unknown; uploadTime?: unknown };
    if (extra.yanked !== undefined && extra.yanked !== false && typeof extra.yanked !== "string") {
      throw fail(`has an invalid yanked value for ${quote(f.path)} (false or a reason)`);
    }
    for (const key of ["requiresPython", "uploadTime"] as const) {
      if (extra[key] !== undefined && typeof extra[key] !== "string") {
        throw fail(`has an invalid ${key} for ${quote(f.path)} (a string)`);
      }
    }
  }
  if (m.provenances !== undefined) {
    if (!Array.isArray(m.provenances)) throw fail(`has "provenances" that is not a list`);
    for (const p of m.provenances) {
      checkEntry(p);
      if (typeof p.filename !== "string" || p.path !== `provenance/${p.filename}.json`) {
        throw fail(`has provenance path ${quote(p.path)} that is not provenance/<filename>.json`);
      }
      parseDistributionFilename(p.filename);
    }
  }
  if (m.projectStatuses !== undefined) {
    if (!Array.isArray(m.projectStatuses)) throw fail(`has "projectStatuses" that is not a list`);
    for (const s of m.projectStatuses as unknown[]) {
      const e = s as Partial<ManifestProjectStatus>;
      const ok =
        typeof e === "object" &&
        e !== null &&
        typeof e.name === "string" &&
        isValidName(e.name) &&
        e.name === canonicalizeName(e.name) &&
        typeof e.status === "string" &&
        e.status !== "active" &&
        (PROJECT_STATUSES as readonly string[]).includes(e.status) &&
        (e.reason === undefined || typeof e.reason === "string");
      if (!ok) throw fail(`has an invalid project status ${quote(JSON.stringify(s))}`);
    }
  }
  return m as Manifest;
}
