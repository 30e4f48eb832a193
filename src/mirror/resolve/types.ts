// The shapes of a resolution: what callers pass in (ResolveOptions), what comes out (Resolution),
// and the resolver's own bookkeeping (entries of a criterion, pins).
// Trap: an extra is its own node ("foo[bar]") that depends on its base "foo" at the same
// version, as pip's resolver models it; so extras that need other extras of the same project
// (`foo[all]` -> `foo[a]`) need no special case.

import type { Requirement } from "../../pep/requirement.js";
import type { Target } from "../../pep/target.js";
import type { CandidateFile, CandidateMetadata } from "./provider.js";

/** What to resolve for, and with which policies (pip's and uv's flags). */
export interface ResolveOptions {
  target: Target;
  /** `-c`: limit versions, never add projects. */
  constraints?: Requirement[];
  /** `--pre`: pre-releases of every project are candidates. */
  pre?: boolean;
  /** `--only-binary`: canonical names, or ":all:"; wheels only. */
  onlyBinary?: ":all:" | Set<string>;
  /** `--no-binary`: canonical names, or ":all:"; sdists only. */
  noBinary?: ":all:" | Set<string>;
  /** `--prefer-binary`: an older release with a fitting wheel beats a newer sdist-only one. */
  preferBinary?: boolean;
  /**
   * `--no-deps`: only the requirements themselves, their Requires-Dist not followed. The build
   * requirements of chosen sdists are still resolved, with their dependencies (a build needs them).
   */
  noDeps?: boolean;
  /** `--ignore-requires-python` (pip): Requires-Python, of files and of metadata, is not checked. */
  ignoreRequiresPython?: boolean;
  /** `--exclude-newer`: files uploaded at or after this instant, or without an upload time, are refused. */
  excludeNewer?: Date;
  /** `--hash`: canonical name -> allowed sha256 (lower-case hex); a file must match one. */
  hashes?: Map<string, Set<string>>;
  /** `--require-hashes`: a project without `hashes` has no acceptable file. */
  requireHashes?: boolean;
  /** When an sdist is chosen, also resolve its build requirements (Provider.getBuildRequires). */
  buildRequirements?: boolean;
  /** Canonical name -> version already installed: kept when it satisfies (unless `upgrade`). */
  installed?: Map<string, string>;
  /** `--upgrade`: prefer the newest release even when the installed one satisfies. */
  upgrade?: boolean;
  /**
   * Where the files come from, as the hint of "no files found" names them (default "the index,
   * --find-links"; install: the store and find-links; bundle: the store).
   */
  sources?: string;
  /** Called when the resolver asks the provider for a project's files or a file's metadata. */
  onProgress?: (event: { kind: "metadata" | "project"; name: string }) => void;
}

/** One distribution of a resolution. */
export interface ResolvedPackage {
  /** PEP 503 canonical name. */
  name: string;
  /** The name as the core metadata writes it. */
  displayName: string;
  /** Normalized PEP 440 version. */
  version: string;
  file: CandidateFile;
  /** Extras that were requested and honoured (canonical), sorted. */
  extras: string[];
  /** Canonical names it pulls in on this target, sorted. */
  dependencies: string[];
  /** "<root>" and/or the canonical names of the packages that require it, sorted. */
  requestedBy: string[];
  /** Needed only to build an sdist of the resolution (`buildRequirements`). */
  buildOnly?: boolean;
}

/** The result of {@link resolve} for one target. */
export interface Resolution {
  target: Target;
  /** Sorted by name (then version, when a build requirement needs another version). */
  packages: ResolvedPackage[];
}

/** One requirement on a node, as the resolver keeps it ("information" in resolvelib). */
export interface Entry {
  /** Node id: "name" or "name[extra]". */
  id: string;
  name: string;
  extra?: string;
  /** PEP 440 specifier set ("" = any). */
  specifier: string;
  /** Only this exact normalized version (an extra's link to its base). */
  exactVersion?: string;
  /** The pin that asked for it; undefined for the user's requirements and constraints. */
  parent?: Pin;
  kind: "root" | "dependency" | "constraint" | "extra-base";
  /** How a message shows it, e.g. "c==1.0.0" or "flask[async]>=2". */
  text: string;
}

/** A decision: node `id` is at `version`, installed from `file`. */
export interface Pin {
  id: string;
  name: string;
  extra?: string;
  version: string;
  file: CandidateFile;
  metadata: CandidateMetadata;
  /** The entries this pin adds to other nodes. */
  dependencies: Entry[];
}

/** A node id: "name" or "name[extra]". */
export function nodeId(name: string, extra?: string): string {
  return extra === undefined ? name : `${name}[${extra}]`;
}
