// Checks of pylock.toml (PEP 751) beyond key types: the keys the spec defines (a reader warns
// about others), and that every file of a package entry is a file of that project and version.
// Spec: https://packaging.python.org/en/latest/specifications/pylock-toml/
// Traps: a file's name may be left out when the last component of its path or URL is the name;
// paths may use "\\" (Windows) and URLs percent-encode ("+" as %2B). packaging 26's reader
// refuses the same mismatches (packaging.pylock.Package._from_dict).

import { quote, type WheelhouseError } from "./errors.js";
import { parseSdistFilename, parseWheelFilename } from "./filename.js";
import { canonicalizeName } from "./names.js";
import type { PylockFile, PylockPackage } from "./pylock.js";
import { compareParsed, tryParseVersion } from "./version.js";

/** Keys of the top-level table, a `[[packages]]` entry, and an sdist or wheel (PEP 751 1.0). */
export const TOP_KEYS = [
  "lock-version",
  "environments",
  "requires-python",
  "extras",
  "dependency-groups",
  "default-groups",
  "created-by",
  "packages",
  "tool",
] as const as readonly string[];
export const PACKAGE_KEYS: readonly string[] = [
  "name",
  "version",
  "marker",
  "requires-python",
  "dependencies",
  "vcs",
  "directory",
  "archive",
  "index",
  "sdist",
  "wheels",
  "attestation-identities",
  "tool",
];
export const FILE_KEYS: readonly string[] = [
  "name",
  "upload-time",
  "url",
  "path",
  "size",
  "hashes",
];

/**
 * A wheel (or sdist) of another project or version than its package entry would be installed
 * under the wrong name; packaging's pylock reader refuses it too. An sdist name that does not
 * parse (an old archive format) is not checked.
 */
export function checkFileNamesPackage(
  pkg: PylockPackage,
  f: PylockFile,
  kind: "wheel" | "sdist",
  where: string,
  fail: (where: string, why: string) => WheelhouseError,
): void {
  const filename = f.name ?? lastComponent(f.path, /[/\\]/) ?? lastComponent(urlPath(f.url), /\//);
  if (!filename) throw fail(where, `has no ${kind} filename in name, path or url`);
  let parsed: { name: string; version: string };
  try {
    parsed = kind === "wheel" ? parseWheelFilename(filename) : parseSdistFilename(filename);
  } catch (cause) {
    if (kind === "sdist") return;
    throw fail(where, `names no wheel: ${(cause as Error).message}`);
  }
  if (parsed.name !== canonicalOrRaw(pkg.name)) {
    throw fail(where, `is ${quote(filename)}, a file of another project than ${quote(pkg.name)}`);
  }
  const version = pkg.version === undefined ? null : tryParseVersion(pkg.version);
  const fileVersion = tryParseVersion(parsed.version);
  if (version && fileVersion && compareParsed(version, fileVersion) !== 0) {
    throw fail(where, `is ${quote(filename)}, not of version ${quote(pkg.version!)}`);
  }
}

function lastComponent(path: string | undefined, separator: RegExp): string | undefined {
  return path?.split(separator).pop() || undefined;
}

/** The percent-decoded path of a URL (of its text when it is no URL). */
function urlPath(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let path = url.replace(/[?#].*$/, "");
  try {
    path = new URL(url).pathname;
  } catch {
    // a relative or odd URL: its text without query and fragment
  }
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function canonicalOrRaw(name: string): string {
  try {
    return canonicalizeName(name);
  } catch {
    return name;
  }
}
