// The contract between the resolver and wherever distributions come from (an upstream simple
// index, find-links pages or directories, the store). The resolver sees only this interface, so
// the install path can resolve without importing any network code.
// Spec background: https://packaging.python.org/en/latest/specifications/simple-repository-api/
// Trap: `listFiles` must return every file of the project from every source (the resolver picks);
// metadata is asked for only for the files the resolver actually considers, so a provider should
// fetch it lazily and cache it.

/** One distribution file a source offers (a wheel or an sdist). */
export interface CandidateFile {
  /** The distribution's filename, e.g. "flask-3.1.3-py3-none-any.whl". */
  filename: string;
  /** Where to fetch it: an absolute URL (http(s) or file:) — informative for local sources. */
  url: string;
  /** Lower-case hex sha256 when the source states it. */
  sha256?: string;
  /** Other digests the source states (hashlib name -> hex, e.g. `#md5=`), checked on download. */
  hashes?: Record<string, string>;
  /** Bytes, when known. */
  size?: number;
  /** PEP 345 Requires-Python from the index (data-requires-python), when stated. */
  requiresPython?: string;
  /** PEP 592: false, or the reason ("" when yanked without one). */
  yanked: false | string;
  /** PEP 700 upload time (RFC 3339), when known. */
  uploadTime?: string;
  /**
   * Where it was found: the index URL, the find-links location or "store"; "installed" for a
   * distribution already in the target environment (the resolver then skips tag, hash and
   * upload-time checks and prefers it for its version; the filename still names it, e.g. its
   * wheel-style name "foo-1.0-py3-none-any.whl").
   */
  source: string;
  /** PEP 658: true when a `.metadata` file is offered for it. */
  hasCoreMetadata?: boolean;
  /** PEP 740: the URL of its provenance object, when its index offers one. */
  provenance?: string;
  /**
   * Named by a direct reference (`name @ url`, a path or URL given as a requirement), not found
   * on an index: a lock records it as a PEP 751 `archive`.
   */
  direct?: boolean;
}

/** What the resolver needs from a distribution's core metadata. */
export interface CandidateMetadata {
  name: string;
  version: string;
  /** Requires-Dist lines, PEP 508 strings (markers included). */
  requiresDist: string[];
  requiresPython?: string;
  providesExtra?: string[];
}

/**
 * The build requirements of an sdist without `[build-system].requires`: the PEP 517/518
 * fallback pip applies (https://peps.python.org/pep-0518/#build-system-table).
 */
export const DEFAULT_BUILD_REQUIRES: readonly string[] = ["setuptools>=40.8.0", "wheel"];

/** The resolver's part of parsed core metadata (`parseCoreMetadata` in pep/core-metadata.ts). */
export function candidateMetadata(m: CandidateMetadata): CandidateMetadata {
  const out: CandidateMetadata = {
    name: m.name,
    version: m.version,
    requiresDist: m.requiresDist,
  };
  if (m.requiresPython !== undefined) out.requiresPython = m.requiresPython;
  if (m.providesExtra !== undefined) out.providesExtra = m.providesExtra;
  return out;
}

/** A source of distributions for the resolver. All names passed in are PEP 503 canonical. */
export interface Provider {
  /** Every file of `project` (canonical name) from every source; [] when the project is unknown. */
  listFiles(project: string): Promise<CandidateFile[]>;
  /** Core metadata of one file (wheel METADATA, or sdist PKG-INFO). Cached by the provider. */
  getMetadata(file: CandidateFile): Promise<CandidateMetadata>;
  /**
   * The build requirements of an sdist: `[build-system].requires` of its pyproject.toml, or
   * {@link DEFAULT_BUILD_REQUIRES} when it has none (PEP 517/518 fallback).
   */
  getBuildRequires?(file: CandidateFile): Promise<string[]>;
}
