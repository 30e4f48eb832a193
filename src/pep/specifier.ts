// Version specifiers and specifier sets: parse, format, match and filter, matching pypa/packaging 26.3.
// Spec: https://packaging.python.org/en/latest/specifications/version-specifiers/#version-specifiers
// Traps:
// - ">V" excludes V's post-releases (and V+local) unless V is itself a post-release; "<V" excludes
//   V's pre-releases unless V is a pre-release: "<1.0" rejects "1.0rc1" and "1.0.dev0".
// - "==V" and "!=V" ignore the candidate's local label unless V has one; "<=V" accepts "V+local".
// - Pre-releases: a specifier naming a pre-release allows them (except "!=" and wildcards). Without
//   an explicit choice, `filterVersions` drops pre-releases unless nothing else matches, while
//   `specifierContains` accepts one (a single version has no alternative), as packaging >= 26.0 does.
// - "===" compares strings case-insensitively and is the only operator that can match an invalid
//   version; an empty set matches everything, invalid strings included.
// - Canonical text sorts specifiers by their string and drops duplicates that differ only by
//   normalization ("==2.8.0" equals "==2.8"; "~=" keeps trailing zeros, they change its meaning).

import { quote, WheelhouseError } from "./errors.js";
import {
  canonicalizeVersion,
  compareParsed,
  comparePublic,
  formatVersion,
  isPrerelease,
  tryParseVersion,
  type Version,
} from "./version.js";

/** A comparison operator of a version specifier ("Version specifiers" section). */
export type Operator = "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "===";

/** One version clause: the operator and the version exactly as written (trimmed), e.g. "1.0.*". */
export interface Specifier {
  operator: Operator;
  version: string;
}

/**
 * A comma-separated set of specifiers, all of which must match. `prereleases` forces pre-releases
 * in (true) or out (false); undefined lets the specifiers and PEP 440's default decide.
 */
export interface SpecifierSet {
  specifiers: Specifier[];
  prereleases?: boolean;
}

const WS_CHARS =
  "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const WS = `[${WS_CHARS}]`;
const PRE = "(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)";
const POST = "(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)";
const DEV = "(?:[-_.]?dev[-_.]?[0-9]*)";
const LOCAL = "(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)";
const EPOCH_RELEASE = "v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*";

// The grammar of packaging's Specifier regex: which operator allows wildcards, locals, or needs
// two release numbers.
const SPECIFIER_RE = new RegExp(
  `^${WS}*(?:` +
    `(===)${WS}*([^${WS_CHARS};)]*)` +
    `|(==|!=)${WS}*(${EPOCH_RELEASE}(?:\\.\\*|${PRE}?${POST}?${DEV}?${LOCAL}?))` +
    `|(~=)${WS}*(v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}?${POST}?${DEV}?)` +
    `|(<=|>=|<|>)${WS}*(${EPOCH_RELEASE}${PRE}?${POST}?${DEV}?)` +
    `)${WS}*$`,
  "i",
);

const TRIM_RE = new RegExp(`^${WS}+|${WS}+$`, "g");

const HINT =
  'a specifier is an operator (~=, ==, !=, <=, >=, <, >, ===) and a version, e.g. ">=1.2,<2", "==1.4.*", "~=2.2"';

/** A specifier compiled for matching; cached, since the resolver checks the same ones often. */
interface Compiled {
  spec: Specifier;
  /** The version parsed, or null for "===" with an invalid version. */
  parsed: Version | null;
  /** What the specifier alone says about pre-releases (packaging's `Specifier.prereleases`). */
  prereleases: boolean | null;
  match: (candidate: Version) => boolean;
}

const CACHE_LIMIT = 4096;
const compiledCache = new Map<string, Compiled>();
const setCache = new Map<string, SpecifierSet>();

function trimPython(s: string): string {
  return s.replace(TRIM_RE, "");
}

function invalid(s: string, why: string): WheelhouseError {
  return new WheelhouseError(
    "INVALID_SPECIFIER",
    `version specifier ${quote(s)} is invalid: ${why}`,
    { hint: HINT },
  );
}

/**
 * Parse one specifier such as ">= 1.0" into `{ operator: ">=", version: "1.0" }` (the version is
 * kept as written, trimmed). Spec section "Version specifiers".
 * @throws WheelhouseError "INVALID_SPECIFIER" on bad syntax (wildcards only with == and !=,
 *   local labels only with == and !=, "~=" needs two release numbers).
 */
export function parseSpecifier(s: string): Specifier {
  if (typeof s !== "string") throw invalid(String(s), "it is not a string");
  const m = SPECIFIER_RE.exec(s);
  if (m === null) throw invalid(s, "it does not follow the version specifier grammar");
  const operator = (m[1] ?? m[3] ?? m[5] ?? m[7]) as Operator;
  const version = trimPython(m[2] ?? m[4] ?? m[6] ?? m[8]);
  const spec = { operator, version };
  compile(spec, s);
  return spec;
}

function compile(spec: Specifier, original?: string): Compiled {
  const cacheKey = `${spec.operator}\u0000${spec.version}`;
  const hit = compiledCache.get(cacheKey);
  if (hit !== undefined) return hit;
  const compiled = build(spec, original ?? formatSpecifier(spec), original !== undefined);
  if (compiledCache.size >= CACHE_LIMIT) compiledCache.clear();
  compiledCache.set(cacheKey, compiled);
  return compiled;
}

function build(spec: Specifier, text: string, checked: boolean): Compiled {
  const { operator, version } = spec;
  // Hand-built specifiers get the same grammar check as parsed ones.
  if (!checked && !SPECIFIER_RE.test(text))
    throw invalid(text, "it does not follow the version specifier grammar");
  if (operator === "===") {
    const parsed = tryParseVersion(version);
    // "===" compares the candidate's text, in `matchesAll`.
    return {
      spec,
      parsed,
      prereleases: parsed === null ? null : isPrerelease(parsed),
      match: () => false,
    };
  }
  const wildcard = version.endsWith(".*");
  const parsed = tryParseVersion(wildcard ? version.slice(0, -2) : version);
  if (parsed === null) throw invalid(text, `${quote(version)} is not a valid version`);
  if (wildcard) {
    if (operator !== "==" && operator !== "!=")
      throw invalid(text, `${operator} does not allow a wildcard`);
    // "==1.2.*" is the interval [1.2.dev0, 1.3.dev0).
    const low: Version = { epoch: parsed.epoch, release: parsed.release, dev: 0 };
    const high: Version = { epoch: parsed.epoch, release: bumpLast(parsed.release), dev: 0 };
    const inside = (c: Version) => compareParsed(c, low) >= 0 && compareParsed(c, high) < 0;
    return {
      spec,
      parsed,
      prereleases: false,
      match: operator === "==" ? inside : (c) => !inside(c),
    };
  }
  return {
    spec,
    parsed,
    prereleases: operator === "!=" ? false : isPrerelease(parsed),
    match: matcher(operator, parsed),
  };
}

function bumpLast(release: readonly number[]): number[] {
  const out = release.slice();
  out[out.length - 1] += 1;
  return out;
}

function samePre(a: Version, b: Version): boolean {
  if (a.pre === undefined || b.pre === undefined) return a.pre === b.pre;
  return a.pre[0] === b.pre[0] && a.pre[1] === b.pre[1];
}

function matcher(operator: Operator, v: Version): (c: Version) => boolean {
  const hasLocal = v.local !== undefined;
  switch (operator) {
    case "==":
      return hasLocal ? (c) => compareParsed(c, v) === 0 : (c) => comparePublic(c, v) === 0;
    case "!=":
      return hasLocal ? (c) => compareParsed(c, v) !== 0 : (c) => comparePublic(c, v) !== 0;
    case ">=":
      return (c) => compareParsed(c, v) >= 0;
    case "<=":
      // "V+local" is at or below V for this purpose.
      return (c) => comparePublic(c, v) <= 0;
    case "<": {
      // Exclude V's own pre-releases unless V is one: "<1.0" stops before "1.0.dev0".
      const bound: Version = isPrerelease(v) ? v : { ...v, dev: 0, local: undefined };
      return (c) => compareParsed(c, bound) < 0;
    }
    case ">": {
      if (v.dev !== undefined) {
        const bound: Version = { ...v, dev: v.dev + 1, local: undefined };
        return (c) => compareParsed(c, bound) >= 0;
      }
      if (v.post !== undefined) {
        const bound: Version = { ...v, post: v.post + 1, dev: 0, local: undefined };
        return (c) => compareParsed(c, bound) >= 0;
      }
      // Above V, but not V's post-releases or local variants (same epoch, release and pre).
      return (c) =>
        compareParsed(c, v) > 0 &&
        !(c.epoch === v.epoch && sameRelease(c.release, v.release) && samePre(c, v));
    }
    case "~=": {
      // "~=2.2.1" is ">=2.2.1, ==2.2.*": the upper end is the next prefix's first dev release.
      const high: Version = { epoch: v.epoch, release: bumpLast(v.release.slice(0, -1)), dev: 0 };
      return (c) => compareParsed(c, v) >= 0 && compareParsed(c, high) < 0;
    }
    default:
      throw new Error(`unreachable operator ${operator}`);
  }
}

function sameRelease(a: readonly number[], b: readonly number[]): boolean {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return false;
  return true;
}

/**
 * Parse a comma-separated specifier set; blank items are ignored and "" is the empty set, which
 * matches every version. Spec section "Version specifiers".
 * @throws WheelhouseError "INVALID_SPECIFIER" naming the first bad clause.
 */
export function parseSpecifierSet(
  s: string,
  options: { prereleases?: boolean } = {},
): SpecifierSet {
  if (typeof s !== "string") throw invalid(String(s), "it is not a string");
  let set = setCache.get(s);
  if (set === undefined) {
    const specifiers: Specifier[] = [];
    for (const part of s.split(",")) {
      const item = trimPython(part);
      if (item === "") continue;
      try {
        specifiers.push(parseSpecifier(item));
      } catch (error) {
        if (error instanceof WheelhouseError && s !== item) {
          throw new WheelhouseError(
            "INVALID_SPECIFIER",
            `version specifier set ${quote(s)} is invalid: ${error.message}`,
            { hint: HINT, cause: error },
          );
        }
        throw error;
      }
    }
    set = { specifiers };
    if (setCache.size >= CACHE_LIMIT) setCache.clear();
    setCache.set(s, set);
  }
  // Fresh arrays: callers may modify what they get.
  const out: SpecifierSet = { specifiers: set.specifiers.map((x) => ({ ...x })) };
  if (options.prereleases !== undefined) out.prereleases = options.prereleases;
  return out;
}

/** The text of one specifier: operator then version as written, e.g. ">=1.0". */
export function formatSpecifier(s: Specifier): string {
  return `${s.operator}${s.version}`;
}

/** Key under which two specifiers are the same ("==2.8.0" and "==2.8"). */
function canonicalKey(s: Specifier): string {
  const { operator, version } = s;
  if (operator === "===" || version.endsWith(".*")) return `${operator}${version}`;
  const parsed = compile(s).parsed as Version;
  return `${operator}${canonicalizeVersion(parsed, { stripTrailingZero: operator !== "~=" })}`;
}

/** The clauses sorted by text, without those equal after normalization to an earlier one. */
function canonicalClauses(s: SpecifierSet): { text: string; key: string }[] {
  const sorted = s.specifiers
    .map((x) => ({ text: formatSpecifier(x), key: canonicalKey(x) }))
    .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const seen = new Set<string>();
  return sorted.filter(({ key }) => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Canonical text of a set, as packaging's `str(SpecifierSet)`: clauses sorted by their text,
 * duplicates (equal after normalization) dropped, joined by ",". The `prereleases` flag is not shown.
 */
export function formatSpecifierSet(s: SpecifierSet): string {
  return canonicalClauses(s)
    .map((c) => c.text)
    .join(",");
}

/** True when two specifiers are equal after normalization (packaging's `Specifier.__eq__`). */
export function specifiersEqual(a: Specifier, b: Specifier): boolean {
  return canonicalKey(a) === canonicalKey(b);
}

/** True when two sets are equal after normalization, ignoring order and `prereleases`. */
export function specifierSetsEqual(a: SpecifierSet, b: SpecifierSet): boolean {
  // Like packaging: the deduplicated clauses compared pairwise, in order of their text.
  const keys = (s: SpecifierSet) => JSON.stringify(canonicalClauses(s).map((c) => c.key));
  return keys(a) === keys(b);
}

interface Prepared {
  compiled: Compiled[];
  arbitrary: boolean;
  /** packaging's `SpecifierSet.prereleases`: explicit, else true when a clause names a pre-release. */
  prereleases: boolean | undefined;
}

const preparedCache = new Map<string, Prepared>();

function prepare(spec: string | SpecifierSet): Prepared {
  if (typeof spec === "string") {
    let hit = preparedCache.get(spec);
    if (hit === undefined) {
      hit = prepareSet(parseSpecifierSet(spec));
      if (preparedCache.size >= CACHE_LIMIT) preparedCache.clear();
      preparedCache.set(spec, hit);
    }
    return hit;
  }
  return prepareSet(spec);
}

function prepareSet(set: SpecifierSet): Prepared {
  const compiled = set.specifiers.map((s) => compile(s));
  let prereleases = set.prereleases;
  if (prereleases === undefined && compiled.some((c) => c.prereleases === true)) prereleases = true;
  return { compiled, arbitrary: compiled.some((c) => c.spec.operator === "==="), prereleases };
}

/**
 * The set's own pre-release policy, as packaging's `SpecifierSet.prereleases`: the explicit
 * `prereleases` flag, else true when a clause names a pre-release (">=1.0b1"; not "!=" or
 * wildcards), else undefined (PEP 440's default applies).
 * @throws WheelhouseError "INVALID_SPECIFIER" when `spec` is an invalid string.
 */
export function specifierSetPrereleases(spec: string | SpecifierSet): boolean | undefined {
  return prepare(spec).prereleases;
}

/** Whether a candidate (string as given, and its parse) satisfies every clause. */
function matchesAll(compiled: Compiled[], text: string, parsed: Version | null): boolean {
  for (const c of compiled) {
    if (c.spec.operator === "===") {
      if (text.toLowerCase() !== c.spec.version.toLowerCase()) return false;
    } else if (parsed === null || !c.match(parsed)) {
      return false;
    }
  }
  return true;
}

function candidate(item: string | Version): { text: string; parsed: Version | null } {
  if (typeof item === "string") return { text: item, parsed: tryParseVersion(item) };
  return { text: formatVersion(item), parsed: item };
}

/**
 * Whether `version` satisfies every specifier of the set (packaging's `SpecifierSet.contains`).
 * Pre-releases match unless excluded by `options.prereleases === false` or the set's own
 * `prereleases: false`; `installed: true` always lets an installed pre-release match.
 * An invalid version never matches, except against an empty set or "===".
 * @throws WheelhouseError "INVALID_SPECIFIER" when `spec` is an invalid string.
 */
export function specifierContains(
  spec: string | SpecifierSet,
  version: string | Version,
  options: { prereleases?: boolean; installed?: boolean } = {},
): boolean {
  const prepared = prepare(spec);
  const { text, parsed } = candidate(version);
  let prereleases = options.prereleases;
  if (parsed !== null && options.installed === true && isPrerelease(parsed)) prereleases = true;
  if (prereleases === undefined) prereleases = prepared.prereleases;
  if (!matchesAll(prepared.compiled, text, parsed)) return false;
  return !(prereleases === false && parsed !== null && isPrerelease(parsed));
}

/**
 * The items whose version satisfies the set, in input order (packaging's `SpecifierSet.filter`).
 * Pre-releases: `prereleases: true` keeps them, `false` drops them; undefined keeps them only when
 * the set names a pre-release or when no final release is left (unparsable matches of an
 * empty set or "===" are kept, but do not count as finals).
 * Invalid versions are skipped unless the set is empty or uses "===".
 * `key` maps an item to its version string; without it, items must be strings or Versions.
 * @throws WheelhouseError "INVALID_SPECIFIER" when `spec` is an invalid string.
 */
export function filterVersions<T>(
  spec: string | SpecifierSet,
  items: readonly T[],
  options: { prereleases?: boolean; key?: (item: T) => string | Version } = {},
): T[] {
  const prepared = prepare(spec);
  const key = options.key ?? ((item: T) => item as unknown as string | Version);
  const prereleases = options.prereleases ?? prepared.prereleases;
  const keepInvalid = prepared.compiled.length === 0 || prepared.arbitrary;
  const matched: T[] = [];
  const pre: boolean[] = [];
  let anyFinal = false;
  for (const item of items) {
    const { text, parsed } = candidate(key(item));
    if (parsed === null && !keepInvalid) continue;
    if (!matchesAll(prepared.compiled, text, parsed)) continue;
    const isPre = parsed !== null && isPrerelease(parsed);
    if (isPre && prereleases === false) continue;
    if (parsed !== null && !isPre) anyFinal = true;
    matched.push(item);
    pre.push(isPre);
  }
  // PEP 440 default: pre-releases only when nothing else matched.
  if (prereleases === undefined && anyFinal) return matched.filter((_, i) => !pre[i]);
  return matched;
}
