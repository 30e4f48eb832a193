// Wheel and sdist filenames: parsing them into project name, version, build tag and
// compatibility tags, and writing wheel and sdist filenames.
// Specs: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// (PEP 427/491: {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl) and
// https://packaging.python.org/en/latest/specifications/source-distribution-format/
// (PEP 625: {name}-{version}.tar.gz). Behaviour follows packaging.utils (26.3).
// Traps:
// - A wheel filename has 4 or 5 dashes: a dash inside the name or version must have been
//   escaped to "_", so "foo__bar" (a doubled escape) is refused, like packaging does.
// - Wheel names may hold non-ASCII word characters (packaging accepts "foo_bár"), so the name is
//   canonicalized without the core-metadata validity check.
// - Old sdists keep dashes in the name ("trove-classifiers-2023.11.29.tar.gz") and may use .zip
//   or .tar.bz2: split at the last dash whose right side is a valid version.
// - The build tag must start with a digit; it sorts by (number, rest).

import { quote, WheelhouseError } from "./errors.js";
import { canonicalizeName, isValidName } from "./names.js";
import { formatTag, parseTag } from "./tags.js";
import { normalizeVersion } from "./version.js";

/** A wheel's build tag: "1000abc" is `{ number: 1000, tag: "abc" }`. */
export interface BuildTag {
  number: number;
  tag: string;
}

/** The parts of a wheel filename. */
export interface WheelFilename {
  /** The filename as given. */
  filename: string;
  /** Canonical (PEP 503) project name, e.g. "some-package". */
  name: string;
  /** Normalized PEP 440 version, e.g. "1.0.post1". */
  version: string;
  build?: BuildTag;
  /** Expanded tags "interp-abi-plat", in the order the compressed set expands. */
  tags: string[];
}

/** The parts of an sdist filename. */
export interface SdistFilename {
  filename: string;
  /** Canonical (PEP 503) project name. */
  name: string;
  /** Normalized PEP 440 version. */
  version: string;
  extension: ".tar.gz" | ".zip" | ".tar.bz2";
}

/** A wheel or sdist filename, told apart by `kind`. */
export type DistributionFilename =
  | ({ kind: "wheel" } & WheelFilename)
  | ({ kind: "sdist" } & SdistFilename);

const WHEEL_HINT =
  "a wheel filename is {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl, " +
  'e.g. "foo-1.0-py3-none-any.whl", with "-" in the name or version written as "_"';
const SDIST_HINT =
  'an sdist filename is {name}-{version}.tar.gz (or legacy .zip, .tar.bz2), e.g. "foo-1.0.tar.gz"';

function invalidWheel(f: string, why: string, cause?: unknown): WheelhouseError {
  return new WheelhouseError(
    "INVALID_WHEEL_FILENAME",
    `wheel filename ${quote(f)} is invalid: ${why}`,
    {
      hint: WHEEL_HINT,
      cause,
    },
  );
}

function invalidSdist(f: string, why: string, cause?: unknown): WheelhouseError {
  return new WheelhouseError(
    "INVALID_SDIST_FILENAME",
    `sdist filename ${quote(f)} is invalid: ${why}`,
    {
      hint: SDIST_HINT,
      cause,
    },
  );
}

// packaging's `[\w._]+` with Python's Unicode \w (letters, numbers, underscore).
const WHEEL_NAME = /^[\p{L}\p{N}_.]+$/u;

function countDashes(s: string): number {
  let n = 0;
  for (let i = s.indexOf("-"); i >= 0; i = s.indexOf("-", i + 1)) n++;
  return n;
}

// Expanded tags by compressed tag set: a page's wheels share a handful ("py3-none-any"), and
// expanding one costs more than the rest of the filename. Callers get a copy.
const TAGS_MAX = 4096;
const expandedTags = new Map<string, readonly string[]>();

function expandTags(tagPart: string): string[] {
  let tags = expandedTags.get(tagPart);
  if (tags === undefined) {
    tags = parseTag(tagPart).map(formatTag);
    if (expandedTags.size >= TAGS_MAX) expandedTags.clear();
    expandedTags.set(tagPart, tags);
  }
  return tags.slice();
}

/**
 * Parse a wheel filename (binary distribution format, "File name convention").
 * Returns the canonical name, normalized version, optional build tag and the expanded tags.
 * @throws WheelhouseError "INVALID_WHEEL_FILENAME" quoting the filename, e.g.
 *   `wheel filename "foo-1.2.whl" is invalid: it has no Python tag`; the cause is the
 *   INVALID_VERSION or INVALID_TAG error when one of those parts is at fault.
 */
export function parseWheelFilename(f: string): WheelFilename {
  if (!f.endsWith(".whl")) throw invalidWheel(f, 'it does not end in ".whl"');
  const stem = f.slice(0, -4);
  const dashes = countDashes(stem);
  if (dashes === 0) throw invalidWheel(f, "it has no version");
  if (dashes === 1) throw invalidWheel(f, "it has no Python tag");
  if (dashes < 4) throw invalidWheel(f, "it has no ABI or platform tag");
  if (dashes > 5) {
    throw invalidWheel(f, `it has ${dashes} dashes; at most 5 separate its parts`);
  }
  const parts = stem.split("-");
  const namePart = parts[0];
  if (namePart.includes("__") || !WHEEL_NAME.test(namePart)) {
    throw invalidWheel(f, `project name ${quote(namePart)} is invalid`);
  }
  let version: string;
  try {
    version = normalizeVersion(parts[1]);
  } catch (e) {
    throw invalidWheel(f, `version ${quote(parts[1])} is not a PEP 440 version`, e);
  }
  let build: BuildTag | undefined;
  if (dashes === 5) {
    const m = /^(\d+)(.*)$/s.exec(parts[2]);
    if (!m) throw invalidWheel(f, `build tag ${quote(parts[2])} does not start with a digit`);
    build = { number: Number(m[1]), tag: m[2] };
  }
  const tagPart = parts.slice(-3).join("-");
  let tags: string[];
  try {
    tags = expandTags(tagPart);
  } catch (e) {
    throw invalidWheel(f, `tag ${quote(tagPart)} is invalid`, e);
  }
  const name = canonicalizeName(namePart, { validate: false });
  return build ? { filename: f, name, version, build, tags } : { filename: f, name, version, tags };
}

const SDIST_EXTENSIONS = [".tar.gz", ".zip", ".tar.bz2"] as const;

/**
 * Parse an sdist filename: PEP 625 `{name}-{version}.tar.gz`, plus legacy `.zip`/`.tar.bz2`
 * and names with dashes ("trove-classifiers-2023.11.29.tar.gz", "INITools-0.1.tar.gz"),
 * split at the last dash that leaves a valid version and a valid name.
 * @throws WheelhouseError "INVALID_SDIST_FILENAME" quoting the filename.
 */
export function parseSdistFilename(f: string): SdistFilename {
  const extension = SDIST_EXTENSIONS.find((e) => f.endsWith(e));
  if (!extension) throw invalidSdist(f, 'it does not end in ".tar.gz", ".zip" or ".tar.bz2"');
  const stem = f.slice(0, -extension.length);
  const dashes: number[] = [];
  for (let i = stem.length - 1; i > 0; i--) if (stem[i] === "-") dashes.push(i);
  if (!stem.includes("-")) throw invalidSdist(f, "it has no dash between name and version");
  let firstError: unknown;
  for (const dash of dashes) {
    const namePart = stem.slice(0, dash);
    if (!isValidName(namePart)) continue;
    try {
      const version = normalizeVersion(stem.slice(dash + 1));
      return { filename: f, name: canonicalizeName(namePart), version, extension };
    } catch (e) {
      firstError ??= e;
    }
  }
  const last = stem.lastIndexOf("-");
  if (last === 0) throw invalidSdist(f, "it has no project name");
  throw invalidSdist(
    f,
    `no dash splits it into a project name and a PEP 440 version (last part ${quote(stem.slice(last + 1))})`,
    firstError,
  );
}

/**
 * Parse a wheel or sdist filename, told apart by its extension.
 * @throws WheelhouseError "UNKNOWN_EXTENSION" for anything else (.egg, .exe, .tar.xz, ...),
 *   or the parser's INVALID_WHEEL_FILENAME / INVALID_SDIST_FILENAME.
 */
export function parseDistributionFilename(f: string): DistributionFilename {
  if (f.endsWith(".whl")) {
    const w = parseWheelFilename(f);
    return w.build
      ? {
          kind: "wheel",
          filename: w.filename,
          name: w.name,
          version: w.version,
          build: w.build,
          tags: w.tags,
        }
      : { kind: "wheel", filename: w.filename, name: w.name, version: w.version, tags: w.tags };
  }
  if (SDIST_EXTENSIONS.some((e) => f.endsWith(e))) {
    const s = parseSdistFilename(f);
    return {
      kind: "sdist",
      filename: s.filename,
      name: s.name,
      version: s.version,
      extension: s.extension,
    };
  }
  throw new WheelhouseError(
    "UNKNOWN_EXTENSION",
    `distribution filename ${quote(f)} is neither a wheel nor an sdist`,
    { hint: 'wheels end in ".whl", sdists in ".tar.gz" (or legacy ".zip", ".tar.bz2")' },
  );
}

/** The escaped name of a wheel or sdist filename: canonical, with "-" written as "_". */
function escapeName(name: string): string {
  return canonicalizeName(name, { validate: false }).replace(/-/g, "_");
}

/**
 * Compress expanded tags into one compressed tag set, keeping first-appearance order of each
 * part so that parsing gives the tags back in the same order.
 */
function compressTags(tags: readonly string[], filename: string): string {
  if (tags.length === 0) throw invalidWheel(filename, "it has no tags");
  const parsed = tags.flatMap((t) => parseTag(t));
  const parts = [new Set<string>(), new Set<string>(), new Set<string>()];
  for (const t of parsed) {
    parts[0].add(t.interpreter);
    parts[1].add(t.abi);
    parts[2].add(t.platform);
  }
  const expanded = new Set(parsed.map(formatTag));
  if (parts[0].size * parts[1].size * parts[2].size !== expanded.size) {
    throw invalidWheel(filename, "its tags are not a product of interpreters, ABIs and platforms");
  }
  return parts.map((p) => [...p].join(".")).join("-");
}

/**
 * Write a wheel filename from its parts (the inverse of {@link parseWheelFilename}): the name
 * canonicalized with "_" for "-", the version normalized, `tags` either one (compressed) tag
 * string "py2.py3-none-any" or a list of expanded tags that form a product.
 * @throws WheelhouseError "INVALID_VERSION", "INVALID_TAG" or "INVALID_WHEEL_FILENAME".
 */
export function wheelFilename(parts: {
  name: string;
  version: string;
  build?: BuildTag;
  tags: string | readonly string[];
}): string {
  const head = `${escapeName(parts.name)}-${normalizeVersion(parts.version)}`;
  const build = parts.build ? `-${parts.build.number}${parts.build.tag}` : "";
  let tags: string;
  if (typeof parts.tags === "string") {
    parseTag(parts.tags);
    tags = parts.tags;
  } else {
    tags = compressTags(parts.tags, `${head}${build}.whl`);
  }
  return `${head}${build}-${tags}.whl`;
}

/**
 * Write a PEP 625 sdist filename: `{name with "_"}-{normalized version}.tar.gz`.
 * @throws WheelhouseError "INVALID_NAME" or "INVALID_VERSION".
 */
export function sdistFilename(parts: { name: string; version: string }): string {
  canonicalizeName(parts.name);
  return `${escapeName(parts.name)}-${normalizeVersion(parts.version)}.tar.gz`;
}
