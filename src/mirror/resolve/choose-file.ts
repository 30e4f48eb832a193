// Candidate choice: of the files one release offers, the one a target should install, and why
// every other file of that release does not fit.
// Specs: https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/
// (tag order), https://peps.python.org/pep-0592/ (yanked), https://peps.python.org/pep-0700/
// (upload time), Requires-Python: https://packaging.python.org/en/latest/specifications/core-metadata/
// Traps:
// - Wheels are ranked by the target's tag order (lowest rank wins), never by filename order.
// - A wheel's build tag breaks ties as pip compares it: by (number, rest of the tag), the rest
//   compared as a string ("1b" beats "1a"), and any build tag beats none.
// - A file without an upload time cannot prove it is older than --exclude-newer: it is excluded
//   (uv's rule), and the reason says so.
// - An invalid Requires-Python is ignored (pip warns and installs); it cannot reject a file.

import { type DistributionFilename, parseDistributionFilename } from "../../pep/filename.js";
import { specifierContains } from "../../pep/specifier.js";
import { type Target, tagPriority } from "../../pep/target.js";
import { compareVersions, normalizeVersion, tryParseVersion } from "../../pep/version.js";
import type { CandidateFile } from "./provider.js";

/** `CandidateFile.source` of a distribution already installed in the target environment. */
export const INSTALLED = "installed";

/** How {@link chooseFile} judges the files of one release for one target. */
export interface ChooseFileOptions {
  target: Target;
  /** Wheels only (`--only-binary`): sdists are refused. */
  onlyBinary?: boolean;
  /** Sdists only (`--no-binary`): wheels are refused. */
  noBinary?: boolean;
  /** Files uploaded at or after this instant are refused (`--exclude-newer`). */
  excludeNewer?: Date;
  /** Allowed sha256 digests (lower-case hex) from `--hash` or a URL's `#sha256=`; one must match. */
  hashes?: Set<string>;
  /** `--require-hashes`: without `hashes` for the project, every file is refused. */
  requireHashes?: boolean;
  /** Yanked files may be taken (the release is pinned with `==` or `===`, PEP 592). */
  allowYanked?: boolean;
  /** The Python version Requires-Python is checked against; default the target's full version. */
  pythonVersion?: string;
  /** Requires-Python is not checked (`--ignore-requires-python`). */
  ignoreRequiresPython?: boolean;
}

/** One file that does not fit, and why, e.g. "yanked (broken build)". */
export interface RejectedFile {
  file: CandidateFile;
  reason: string;
}

/** What a filename says, or undefined when it is neither a wheel nor an sdist we can read. */
export interface FileFacts {
  kind: "wheel" | "sdist";
  name: string;
  version: string;
  /** Wheel only: expanded "interp-abi-plat" tags. */
  tags: string[];
  /** Wheel only: the build number (0 when absent). */
  build: number;
  /** Wheel only: the build tag after its number ("abc" of "1abc"); undefined when there is no build tag. */
  buildTag?: string;
}

/** readFilename's answers by filename (a page's files are read when grouped, then when chosen). */
const readFilenames = new Map<string, FileFacts | undefined>();
/** Entries kept before the memo starts over (a sync of many projects reads ~100 per page). */
const READ_FILENAMES_MAX = 100_000;

/**
 * Read name, version and tags from a distribution filename without throwing: undefined when the
 * name or version is invalid (such files are skipped, as pip and uv skip them). Answers are
 * shared between calls: treat them as read-only.
 */
export function readFilename(filename: string): FileFacts | undefined {
  if (readFilenames.has(filename)) return readFilenames.get(filename);
  if (readFilenames.size >= READ_FILENAMES_MAX) readFilenames.clear();
  const facts = parseFacts(filename);
  readFilenames.set(filename, facts);
  return facts;
}

function parseFacts(filename: string): FileFacts | undefined {
  let parsed: DistributionFilename;
  try {
    parsed = parseDistributionFilename(filename);
  } catch {
    return undefined;
  }
  if (parsed.kind === "sdist") {
    return { kind: "sdist", name: parsed.name, version: parsed.version, tags: [], build: 0 };
  }
  const facts: FileFacts = {
    kind: "wheel",
    name: parsed.name,
    version: parsed.version,
    tags: parsed.tags,
    build: parsed.build?.number ?? 0,
  };
  if (parsed.build !== undefined) facts.buildTag = parsed.build.tag;
  return facts;
}

/** True when `requiresPython` admits `python` (an invalid specifier admits everything). */
export function pythonAllowed(requiresPython: string | undefined, python: string): boolean {
  if (requiresPython === undefined || requiresPython.trim() === "") return true;
  try {
    return specifierContains(requiresPython, python, { prereleases: true });
  } catch {
    return true;
  }
}

/** The full Python version a target's Requires-Python checks use: "3.11.0" when unknown. */
export function targetPython(target: Target): string {
  return target.pythonFullVersion ?? `${target.pythonVersion[0]}.${target.pythonVersion[1]}.0`;
}

interface Ranked {
  file: CandidateFile;
  key: number[];
  /** The rest of a wheel's build tag, the last tie-break (pip compares `(number, rest)`). */
  buildTag?: string;
}

/**
 * Choose the file of release `version` that `options.target` should install.
 * Order: wheels by their best tag rank (then the larger build tag), then sdists (.tar.gz first);
 * unyanked before yanked; a file whose `source` is "installed" beats them all. `rejected` lists every file of that release that does not fit, with a
 * reason (yanked, Requires-Python, --exclude-newer, --hash, --only-binary/--no-binary, tags).
 * Files of other releases and unreadable filenames are ignored. Never throws.
 */
export function chooseFile(
  files: CandidateFile[],
  version: string,
  options: ChooseFileOptions,
): { file?: CandidateFile; rejected: RejectedFile[] } {
  const want = tryParseVersion(version);
  const ranks = tagPriority(options.target);
  const python = options.pythonVersion ?? targetPython(options.target);
  const rejected: RejectedFile[] = [];
  const fitting: Ranked[] = [];
  for (const file of files) {
    const facts = readFilename(file.filename);
    if (!facts || want === null || compareVersions(facts.version, want) !== 0) continue;
    if (facts.version !== normalizeVersion(version)) continue;
    // A distribution already in the environment is kept as it is: no tag, hash or time checks.
    if (file.source === INSTALLED) {
      fitting.push({ file, key: [-1, 0, 0, 0] });
      continue;
    }
    const reason = rejectReason(file, facts, options, python, ranks);
    if (reason !== undefined) {
      rejected.push({ file, reason });
      continue;
    }
    const yanked = file.yanked === false ? 0 : 1;
    if (facts.kind === "wheel") {
      const rank = Math.min(...facts.tags.map((t) => ranks.get(t) ?? Number.POSITIVE_INFINITY));
      // No build tag sorts below any build tag, "0" included (pip: `()` < `(0, "")`).
      const build = facts.buildTag === undefined ? -1 : facts.build;
      fitting.push({ file, key: [yanked, 0, rank, -build], buildTag: facts.buildTag });
    } else {
      const tarGz = /\.tar\.gz$/i.test(file.filename) ? 0 : 1;
      fitting.push({ file, key: [yanked, 1, tarGz, 0] });
    }
  }
  fitting.sort((a, b) => compareKeys(a.key, b.key) || compareBuildTags(b.buildTag, a.buildTag));
  return fitting.length > 0 ? { file: fitting[0].file, rejected } : { rejected };
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** Order of two build tag rests as Python compares them (ASCII: code units = code points); absent ones equal. */
function compareBuildTags(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined || a === b) return 0;
  return a < b ? -1 : 1;
}

function rejectReason(
  file: CandidateFile,
  facts: FileFacts,
  options: ChooseFileOptions,
  python: string,
  ranks: Map<string, number>,
): string | undefined {
  if (file.yanked !== false && !options.allowYanked) {
    return file.yanked === ""
      ? "yanked (only an exact == pin takes it)"
      : `yanked: ${file.yanked} (only an exact == pin takes it)`;
  }
  if (!options.ignoreRequiresPython && !pythonAllowed(file.requiresPython, python)) {
    return `Requires-Python ${file.requiresPython} does not admit Python ${python}`;
  }
  if (options.excludeNewer !== undefined) {
    if (file.uploadTime === undefined) return "excluded by --exclude-newer: no upload time known";
    const at = Date.parse(file.uploadTime);
    if (Number.isNaN(at) || at >= options.excludeNewer.getTime()) {
      return `excluded by --exclude-newer: uploaded ${file.uploadTime}`;
    }
  }
  if (options.hashes !== undefined) {
    if (file.sha256 === undefined) return "no sha256 known to check against --hash";
    if (!options.hashes.has(file.sha256.toLowerCase())) {
      // One or two allowed digests (a URL's #sha256=, a pinned file) are worth reading.
      const allowed = [...options.hashes];
      const listed = allowed.length <= 2 ? `: ${allowed.join(", ")}` : "";
      return `sha256 ${file.sha256} matches no --hash given${listed}`;
    }
  } else if (options.requireHashes) {
    return "no --hash given for this project (--require-hashes)";
  }
  if (facts.kind === "sdist" && options.onlyBinary) return "sdist refused by --only-binary";
  if (facts.kind === "wheel" && options.noBinary) return "wheel refused by --no-binary";
  if (facts.kind === "wheel" && !facts.tags.some((t) => ranks.has(t))) {
    const spec = options.target.spec;
    return `tags ${facts.tags.join(", ")} do not fit target ${spec} (it wants e.g. ${firstTags(ranks)})`;
  }
  return undefined;
}

function firstTags(ranks: Map<string, number>): string {
  const tags = [...ranks.keys()];
  return `${tags.slice(0, 2).join(", ")} ... ${tags[tags.length - 1]} (${tags.length} tags)`;
}
