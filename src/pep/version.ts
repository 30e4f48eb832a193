// Versions: parsing, normalization and the total order of PEP 440, matching pypa/packaging 26.3.
// Spec: https://packaging.python.org/en/latest/specifications/version-specifiers/
// Traps:
// - Release segments compare with trailing zeros removed ("1.0.0" == "1"), yet format keeps them.
// - A dev-only release ("1.0.dev1") sorts before every pre-release of the same release, and a
//   post-release's dev ("1.0.post1.dev1") sorts between "1.0" and "1.0.post1".
// - Local segments: a version without one sorts first; string parts sort before number parts.
// - Numbers beyond 2^53 cannot be held in a JS number; such versions are rejected rather than
//   compared wrongly. Runs of more than 4300 digits are rejected too, even when their value is
//   small ("000...01"): packaging refuses them (Python's int() digit limit), so pip would.
// - Surrounding whitespace (Python's notion of it) and a leading "v" are allowed and dropped.

import { quote, WheelhouseError } from "./errors.js";

/** A parsed PEP 440 version. `pre` letters and `local` strings are already normalized. */
export interface Version {
  epoch: number;
  release: number[];
  pre?: ["a" | "b" | "rc", number];
  post?: number;
  dev?: number;
  local?: (string | number)[];
}

// Python's str.isspace() set, which packaging's `\s*` accepts around a version.
const WS =
  "[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

// The grammar of packaging's VERSION_PATTERN, anchored. Case-insensitive, ASCII only.
const VERSION_RE = new RegExp(
  `^${WS}*v?(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)` +
    "(?:[._-]?(alpha|a|beta|b|preview|pre|c|rc)[._-]?([0-9]+)?)?" +
    "(?:-([0-9]+)|[._-]?(post|rev|r)[._-]?([0-9]+)?)?" +
    "(?:[._-]?(dev)[._-]?([0-9]+)?)?" +
    `(?:\\+([a-z0-9]+(?:[._-][a-z0-9]+)*))?${WS}*$`,
  "i",
);

const SIMPLE_RE = /^[0-9]+(?:\.[0-9]+)*$/;

const PRE_LETTERS: Record<string, "a" | "b" | "rc"> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};

const PRE_RANK = { a: 0, b: 1, rc: 2 } as const;

const HINT =
  "a version looks like [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], e.g. 1.2.3, 2.0rc1, 1!3.0.post2";

// Parsed versions are frozen and shared; the resolver parses the same strings many times.
const CACHE_LIMIT = 8192;
const cache = new Map<string, Version | null>();
// normalizeVersion's answers: every filename and every candidate check normalizes a version.
const normalized = new Map<string, string>();

// CPython's default sys.int_max_str_digits: packaging's int() of a longer run raises.
const MAX_DIGITS = 4300;

function toNumber(digits: string, input: string): number {
  const n = Number(digits);
  if (digits.length > MAX_DIGITS) {
    throw new WheelhouseError(
      "INVALID_VERSION",
      `version ${quote(input.slice(0, 40))}... is invalid: a number has ${digits.length} digits`,
      { hint: `numbers in a version may have at most ${MAX_DIGITS} digits` },
    );
  }
  if (!Number.isSafeInteger(n)) {
    throw new WheelhouseError(
      "INVALID_VERSION",
      `version ${quote(input)} is invalid: the number ${digits.length > 24 ? `${digits.slice(0, 20)}...` : digits} is too large`,
      { hint: "numbers in a version must be below 2^53" },
    );
  }
  return n;
}

function parseUncached(input: string): Version | null {
  if (SIMPLE_RE.test(input)) {
    return Object.freeze({
      epoch: 0,
      release: Object.freeze(input.split(".").map((d) => toNumber(d, input))) as number[],
    });
  }
  const m = VERSION_RE.exec(input);
  if (m === null) return null;
  const [, epoch, release, preL, preN, postN1, postL, postN2, devL, devN, local] = m;
  const v: Version = {
    epoch: epoch === undefined ? 0 : toNumber(epoch, input),
    release: Object.freeze(release.split(".").map((d) => toNumber(d, input))) as number[],
  };
  if (preL !== undefined) {
    v.pre = Object.freeze([
      PRE_LETTERS[preL.toLowerCase()],
      preN === undefined ? 0 : toNumber(preN, input),
    ]) as ["a" | "b" | "rc", number];
  }
  if (postN1 !== undefined) v.post = toNumber(postN1, input);
  else if (postL !== undefined) v.post = postN2 === undefined ? 0 : toNumber(postN2, input);
  if (devL !== undefined) v.dev = devN === undefined ? 0 : toNumber(devN, input);
  if (local !== undefined) {
    v.local = Object.freeze(
      local
        .split(/[._-]/)
        .map((part) => (/^[0-9]+$/.test(part) ? toNumber(part, input) : part.toLowerCase())),
    ) as (string | number)[];
  }
  return Object.freeze(v);
}

function lookup(input: string): Version | null {
  const hit = cache.get(input);
  if (hit !== undefined) return hit;
  // Oversized numbers throw here and are not cached.
  const parsed = parseUncached(input);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(input, parsed);
  return parsed;
}

/**
 * Parse a PEP 440 version ("Version scheme" section). The result is frozen and may be shared.
 * @throws WheelhouseError "INVALID_VERSION" when `v` is not a valid version (quoted, with a hint).
 */
export function parseVersion(v: string): Version {
  if (typeof v !== "string") {
    throw new WheelhouseError(
      "INVALID_VERSION",
      `version ${quote(String(v))} is invalid: it is not a string`,
      {
        hint: HINT,
      },
    );
  }
  const parsed = lookup(v);
  if (parsed === null) {
    throw new WheelhouseError(
      "INVALID_VERSION",
      `version ${quote(v)} is invalid: it does not follow PEP 440`,
      {
        hint: HINT,
      },
    );
  }
  return parsed;
}

/** Parse a version, or return null when it is invalid (never throws). */
export function tryParseVersion(v: string): Version | null {
  if (typeof v !== "string") return null;
  try {
    return lookup(v);
  } catch {
    return null;
  }
}

/** True when `v` is a valid PEP 440 version. */
export function isValidVersion(v: string): boolean {
  return tryParseVersion(v) !== null;
}

/**
 * Canonical string form, as packaging's `str(Version)`: "1!2.0rc1.post2.dev3+ubuntu.1".
 * Keeps trailing zeros of the release ("Normalization" section).
 */
export function formatVersion(v: Version): string {
  let s = v.release.join(".");
  if (v.epoch !== 0) s = `${v.epoch}!${s}`;
  if (v.pre !== undefined) s += `${v.pre[0]}${v.pre[1]}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local !== undefined && v.local.length > 0) s += `+${v.local.join(".")}`;
  return s;
}

/**
 * Normalized form of a version string: `formatVersion(parseVersion(v))`, e.g. "1.0-R2" -> "1.0.post2".
 * @throws WheelhouseError "INVALID_VERSION".
 */
export function normalizeVersion(v: string): string {
  let s = normalized.get(v);
  if (s === undefined) {
    s = formatVersion(parseVersion(v));
    if (normalized.size >= CACHE_LIMIT) normalized.clear();
    normalized.set(v, s);
  }
  return s;
}

/**
 * Canonical form with trailing zeros of the release stripped ("1.0.0" -> "1"), as packaging's
 * `canonicalize_version`; used to compare specifiers and in sdist/wheel names (PEP 625).
 * Like packaging, an invalid version string is returned unchanged (never throws).
 */
export function canonicalizeVersion(
  v: string | Version,
  options: { stripTrailingZero?: boolean } = {},
): string {
  const parsed = typeof v === "string" ? tryParseVersion(v) : v;
  if (parsed === null) return v as string;
  if (options.stripTrailingZero === false) return formatVersion(parsed);
  return formatVersion({ ...parsed, release: trimRelease(parsed.release) });
}

function toVersion(v: string | Version): Version {
  return typeof v === "string" ? parseVersion(v) : v;
}

/** The release without trailing zeros, keeping at least one number: [1, 0, 0] -> [1]. */
export function trimRelease(release: readonly number[]): number[] {
  let end = release.length;
  while (end > 1 && release[end - 1] === 0) end--;
  return release.slice(0, end);
}

/** True when the version is a pre-release or a development release ("1.0a1", "1.0.dev0"). */
export function isPrerelease(v: string | Version): boolean {
  const parsed = toVersion(v);
  return parsed.pre !== undefined || parsed.dev !== undefined;
}

/** True when the version has a post-release segment. */
export function isPostrelease(v: string | Version): boolean {
  return toVersion(v).post !== undefined;
}

/** True when the version has a dev-release segment. */
export function isDevrelease(v: string | Version): boolean {
  return toVersion(v).dev !== undefined;
}

/** The public version: the canonical string without its local segment ("1.0+abc" -> "1.0"). */
export function publicVersion(v: string | Version): string {
  const { local: _local, ...rest } = toVersion(v);
  return formatVersion(rest);
}

/** The base version: epoch and release only ("1!2.0rc1.post3+x" -> "1!2.0"). */
export function baseVersion(v: string | Version): string {
  const parsed = toVersion(v);
  return formatVersion({ epoch: parsed.epoch, release: parsed.release });
}

function compareReleases(a: readonly number[], b: readonly number[]): number {
  // Compare as if both were trimmed of trailing zeros: missing numbers count as 0.
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareLocals(
  a: readonly (string | number)[] | undefined,
  b: readonly (string | number)[] | undefined,
) {
  if (a === undefined || a.length === 0) return b === undefined || b.length === 0 ? 0 : -1;
  if (b === undefined || b.length === 0) return 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === "number") {
      if (typeof y === "number") return x < y ? -1 : 1;
      return 1;
    }
    if (typeof y === "number") return -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * The PEP 440 total order without the local segment ("Summary of permitted suffixes and relative
 * ordering"): negative, zero or positive like a sort comparator.
 */
export function comparePublic(a: Version, b: Version): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const r = compareReleases(a.release, b.release);
  if (r !== 0) return r;
  // (pre rank, pre number): dev-only -1, a 0, b 1, rc 2, final 3.
  const preRankA = a.pre
    ? PRE_RANK[a.pre[0]]
    : a.post === undefined && a.dev !== undefined
      ? -1
      : 3;
  const preRankB = b.pre
    ? PRE_RANK[b.pre[0]]
    : b.post === undefined && b.dev !== undefined
      ? -1
      : 3;
  if (preRankA !== preRankB) return preRankA < preRankB ? -1 : 1;
  const preNA = a.pre ? a.pre[1] : 0;
  const preNB = b.pre ? b.pre[1] : 0;
  if (preNA !== preNB) return preNA < preNB ? -1 : 1;
  // No post sorts before any post.
  const postA = a.post === undefined ? -1 : a.post;
  const postB = b.post === undefined ? -1 : b.post;
  if (postA !== postB) return postA < postB ? -1 : 1;
  // A dev release sorts before the same version without dev.
  const devA = a.dev === undefined ? Number.POSITIVE_INFINITY : a.dev;
  const devB = b.dev === undefined ? Number.POSITIVE_INFINITY : b.dev;
  if (devA !== devB) return devA < devB ? -1 : 1;
  return 0;
}

/** Compare two parsed versions (local segment included). */
export function compareParsed(a: Version, b: Version): number {
  return comparePublic(a, b) || compareLocals(a.local, b.local);
}

/**
 * Total order of PEP 440 versions, local segments included; usable as an `Array#sort` comparator.
 * Equal means equal after normalization ("1.0" vs "1.0.0" -> 0).
 * @throws WheelhouseError "INVALID_VERSION" when a string is not a valid version.
 */
export function compareVersions(a: string | Version, b: string | Version): number {
  return compareParsed(toVersion(a), toVersion(b));
}
