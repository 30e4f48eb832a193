// The nouns of the store's API: what the catalog holds about a file, what an upstream told us,
// and the reports of add, verify, gc and du.
// Spec: field meanings follow the simple API, https://packaging.python.org/en/latest/specifications/simple-repository-api/
// Trap: `yanked` is false or the reason, and "" is a valid reason (yanked without one, PEP 592).

/** "bdist_wheel" for wheels, "sdist" for source distributions (PyPI's packagetype). */
export type PackageType = "bdist_wheel" | "sdist";

/** What the source of a file says about it besides its bytes; everything is optional. */
export interface UpstreamFacts {
  /** Where the file came from: an index URL or a local path. Default: the local path, or "stream". */
  source?: string;
  /** Expected sha256 (hex); the write fails with "HASH_MISMATCH" when the bytes differ. */
  sha256?: string;
  /**
   * Other digests the source states (hashlib name -> hex, e.g. a find-links page's `#md5=`),
   * checked as the sha256 is; names Node's crypto lacks are ignored. Not recorded.
   */
  hashes?: Record<string, string>;
  /** Expected size in bytes; the write fails with "SIZE_MISMATCH" when it differs. */
  size?: number;
  /** Upload time, RFC 3339 (PEP 700 `upload-time`). */
  uploadTime?: string;
  /** false, or the yank reason ("" when yanked without one). Default false. */
  yanked?: false | string;
  /** data-requires-python from the index; default the core metadata's Requires-Python. */
  requiresPython?: string;
}

/** One distribution file as the catalog knows it. */
export interface StoredFile {
  filename: string;
  /** Canonical project name. */
  project: string;
  /** Normalized version. */
  version: string;
  sha256: string;
  /** Bytes. */
  size: number;
  packageType: PackageType;
  /** Expanded wheel tags ("py3-none-any"); empty for sdists. */
  tags: string[];
  requiresPython?: string;
  yanked: false | string;
  uploadTime?: string;
  /** sha256 of the core metadata blob (METADATA / PKG-INFO bytes), for PEP 658/714. */
  metadataSha256: string;
  metadataSize: number;
  source: string;
  /** When this store got the file, RFC 3339. */
  addedAt: string;
}

/** A file whose blobs are in place, ready for {@link commitProject}. */
export interface StagedFile extends Omit<StoredFile, "addedAt"> {
  /** The project name as written in the core metadata. */
  displayName: string;
}

/** A project with its file count and total size in bytes. */
export interface ProjectSummary {
  /** Canonical name. */
  name: string;
  displayName: string;
  files: number;
  size: number;
}
