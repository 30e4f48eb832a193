// The nouns of a sync: what to fetch (SyncOptions), the files a run needs (PlannedFile), what it
// tells a progress display while it works (SyncEvents) and what it reports (SyncReport).
// Spec background: https://packaging.python.org/en/latest/specifications/simple-repository-api/
// Trap: a file chosen by several targets is one PlannedFile (keyed by filename), so it is fetched
// once; each target's report still lists it.

import type { Requirement } from "../../pep/requirement.js";
import type { Target } from "../../pep/target.js";
import type { Store } from "../../store/store.js";
import type { YankChange } from "../../store/yank.js";
import type { HttpClient } from "../http/http-client.js";
import type { CandidateFile } from "../resolve/provider.js";
import type { ResolveOptions } from "../resolve/types.js";
import type { IndexStrategy } from "../upstream/provider.js";
import type { MetadataBuilder } from "./sdist-metadata.js";

/** A file pinned by a pylock.toml given as `-r`: fetched as listed, verified by its sha256. */
export interface LockedPackage {
  /** Canonical name. */
  name: string;
  version?: string;
  /** PEP 508 marker of the package entry; the package is kept for a target where it holds. */
  marker?: string;
  files: CandidateFile[];
  /** The lock file it came from, with what that file says it covers (one object per file). */
  lock?: LockScope;
}

/** What a pylock.toml says of the environments it may be installed in (PEP 751). */
export interface LockScope {
  /** Path of the lock file, for errors. */
  path: string;
  /** `environments`: markers of which at least one must hold. */
  environments?: string[];
  /** `requires-python`: the specifier the Python version must satisfy. */
  requiresPython?: string;
}

/** Everything a sync needs. Dependencies (store, HTTP client) are passed in and not closed. */
export interface SyncOptions {
  store: Store;
  http: HttpClient;
  /** Index roots: --index-url first, then --extra-index-url values ([] with --no-index). */
  indexUrls: string[];
  /** --index-strategy (see UpstreamProviderOptions.indexStrategy); default "unsafe-best-match". */
  indexStrategy?: IndexStrategy;
  findLinks?: string[];
  /** One resolution per target, in this order. */
  targets: Target[];
  requirements: Requirement[];
  /** Resolver policies shared by every target (target and callbacks are set per run). */
  policy?: Omit<ResolveOptions, "target" | "onProgress" | "buildRequirements">;
  /** Packages of `-r pylock.toml` files: no resolution for them, just their files. */
  locked?: LockedPackage[];
  /** Parallel downloads (default 8). */
  concurrency?: number;
  /** Resolve and report, download nothing. */
  dryRun?: boolean;
  /**
   * `--build-metadata`: an sdist whose PKG-INFO may not list its dependencies gets them from its
   * build backend, run by this interpreter's pip (see sdist-metadata.ts).
   */
  buildMetadata?: MetadataBuilder;
  /** Also build pip's installation report of each target's selection (`--report`). */
  installationReports?: boolean;
  /**
   * Fetch and keep the PEP 740 provenance the index offers for each chosen file (default true;
   * `--no-provenance` turns it off). Never in a dry run.
   */
  provenance?: boolean;
  /** Persistent metadata cache (default: none). */
  cacheDir?: string;
  events?: SyncEvents;
  /** The clock for elapsed times, in ms (default performance.now). */
  now?: () => number;
}

/** One distinct file the run needs, with every target that chose it. */
export interface PlannedFile {
  file: CandidateFile;
  /** Canonical project name. */
  project: string;
  version: string;
  /** Target specs that chose this file. */
  targets: string[];
  /** "stored": already in the store with the same sha256, so not requested. */
  state: "missing" | "stored";
}

/** What happened to a file the run needed. */
export type FileOutcome =
  | {
      status: "added" | "skipped";
      planned: PlannedFile /** Bytes stored (added files). */;
      size?: number;
    }
  | { status: "failed"; planned: PlannedFile; code: string; message: string; hint?: string };

/** Progress callbacks; every one is optional. */
export interface SyncEvents {
  onResolveStart?(target: string): void;
  onResolved?(target: string, packages: number, elapsedMs: number): void;
  /** Files to download (missing ones) and their known byte total. */
  onDownloadStart?(files: PlannedFile[], bytes: number): void;
  onFileStart?(planned: PlannedFile): void;
  /** Bytes of `planned` received since the last call. */
  onBytes?(planned: PlannedFile, bytes: number): void;
  onFileDone?(outcome: FileOutcome): void;
  /** Something the user should know that does not fail the run (printed as `warning: ...`). */
  onWarning?(message: string): void;
}

/** One file of a report: `{filename, sha256, size, url}`. */
export interface ReportFile {
  filename: string;
  sha256: string | null;
  size: number | null;
  url: string;
}

/** One resolved package of a target. */
export interface ReportPackage {
  name: string;
  version: string;
  files: ReportFile[];
  /** Needed only to build an sdist of the set offline. */
  buildOnly?: true;
}

/** The part of a report for one target. */
export interface TargetReport {
  target: string;
  packages: ReportPackage[];
  summary: {
    projects: number;
    filesAdded: number;
    filesSkipped: number;
    filesFailed: number;
    /** Bytes downloaded for this target's files in this run. */
    bytesAdded: number;
    /** Time spent resolving this target, in ms. */
    resolveMs: number;
  };
}

/** A project status an index stated (PEP 792): `{project, index, status, reason?}`. */
export interface ProjectStatusNote {
  /** Canonical project name. */
  project: string;
  /** The index root whose page stated it. */
  index: string;
  status: string;
  reason?: string;
}

/** A provenance (PEP 740) that was offered for a stored file and not kept. */
export interface ProvenanceFailure {
  filename: string;
  /** The provenance URL, without credentials. */
  url: string;
  code: string;
  message: string;
}

/** What the provenance step of a run did. */
export interface ProvenanceOutcome {
  /** Provenance objects fetched, checked and kept. */
  kept: number;
  failed: ProvenanceFailure[];
}

/** The outcome of {@link sync}. */
export interface SyncReport {
  dryRun: boolean;
  targets: TargetReport[];
  /** Every file failure of the run. */
  failed: Extract<FileOutcome, { status: "failed" }>[];
  /**
   * Stored files of the projects read from an index whose yank state there differs from the
   * store's (PEP 592); the store takes the index's state, unless a dry run.
   */
  yankChanges: YankChange[];
  /** PEP 792 statuses other than "active" that index pages stated, once per project and index. */
  projectStatuses: ProjectStatusNote[];
  /** PEP 740 provenance objects kept for the chosen files this run, and those that failed. */
  provenance: ProvenanceOutcome;
  summary: {
    files: number;
    filesAdded: number;
    filesSkipped: number;
    bytesAdded: number;
    elapsedMs: number;
  };
}
