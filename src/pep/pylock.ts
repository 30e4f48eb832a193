// pylock.toml (PEP 751): parse and validate a lock file, and write one deterministically.
// Spec: https://packaging.python.org/en/latest/specifications/pylock-toml/
// Traps:
// - Keys are kebab-case in TOML (`lock-version`, `upload-time`...) and camelCase here.
// - `upload-time` is a TOML offset datetime, not a string; smol-toml keeps milliseconds only, so
//   microseconds from other tools are truncated on read.
// - A package comes from exactly one of vcs / directory / archive / (sdist and/or wheels);
//   vcs and directory are kept as raw tables; an archive is read as a file is (url or path,
//   size, upload-time, hashes), plus its `subdirectory`, and has no `name`.
// - The spec asks writers for a stable order: keys in the order the spec lists them, packages
//   sorted by name then version, `tool` tables last.
// - A newer 1.x lock-version is read, with a warning, as the spec asks; so are unknown keys.
// - Upload times are written in UTC (the spec's MUST) and names normalized, whatever is given.

import { parse, TomlDate, TomlError } from "smol-toml";
import { quote, WheelhouseError } from "./errors.js";
import { canonicalizeName } from "./names.js";
import { checkFileNamesPackage, FILE_KEYS, PACKAGE_KEYS, TOP_KEYS } from "./pylock-checks.js";
import { utcDatetime } from "./rfc3339.js";
import { compareText, multiline, tomlKey, tomlValue } from "./toml-write.js";

/** A distribution file of a package (`packages.sdist` or one of `packages.wheels`). */
export interface PylockFile {
  name?: string;
  url?: string;
  path?: string;
  /** Bytes. */
  size?: number;
  /** RFC 3339 datetime with offset, e.g. "2025-01-25T11:30:10.164Z". */
  uploadTime?: string;
  /** Algorithm (e.g. "sha256") to lower-case hex digest. */
  hashes: Record<string, string>;
}

/** `packages.archive`: a file's table without `name`, and the sub-directory of a source tree. */
export interface PylockArchive extends Omit<PylockFile, "name"> {
  subdirectory?: string;
}

/** One `[[packages]]` entry. */
export interface PylockPackage {
  name: string;
  version?: string;
  marker?: string;
  requiresPython?: string;
  /** Informational: the packages this one depends on, identified by name (and version). */
  dependencies?: { name: string; version?: string }[];
  /** Raw `packages.vcs` / `packages.directory` tables, kept as read. */
  vcs?: Record<string, unknown>;
  directory?: Record<string, unknown>;
  /** `packages.archive`: a direct reference to one wheel or sdist (no `name` key). */
  archive?: PylockArchive;
  /** URL of the index the files came from. */
  index?: string;
  sdist?: PylockFile;
  wheels?: PylockFile[];
  attestationIdentities?: Record<string, unknown>[];
  tool?: Record<string, unknown>;
}

/** A whole pylock.toml. */
export interface Pylock {
  lockVersion: "1.0";
  environments?: string[];
  requiresPython?: string;
  extras: string[];
  dependencyGroups: string[];
  defaultGroups: string[];
  createdBy: string;
  packages: PylockPackage[];
  tool?: Record<string, unknown>;
  /**
   * Set by {@link parsePylock} only: what an installer must or should warn about (PEP 751: a
   * newer minor lock-version, and keys this reader does not know). Never written.
   */
  warnings?: string[];
}

/**
 * True for `pylock.toml` and `pylock.<name>.toml` (name without dots), per the spec's file name
 * rule. Takes a base name, not a path; the match is case-sensitive.
 */
export function isPylockFilename(f: string): boolean {
  return /^pylock\.([^.]+\.)?toml$/.test(f);
}

type Table = Record<string, unknown>;

/**
 * Parse and validate pylock.toml text. `file` names the file in error messages. Any 1.x
 * lock-version is read (the spec lets readers accept newer minor versions) and reported as "1.0".
 * `warnings` lists a lock-version newer than 1.0 and keys the spec does not define, for the caller
 * to show (PEP 751's install steps: "an error or warning MUST be raised as appropriate").
 * @throws WheelhouseError code "INVALID_PYLOCK" for TOML syntax errors, a lock-version other than
 *   1.x, a missing required key (`lock-version`, `created-by`, `packages`, `packages.name`,
 *   a file's `hashes` and `url`/`path`), a value of the wrong type, a package with no source or
 *   more than one, or a wheel/sdist whose filename names another project or version than its
 *   package; the message names the key and the package.
 */
export function parsePylock(text: string, file = "pylock.toml"): Pylock {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (cause) {
    const why = cause instanceof TomlError ? cause.message.split("\n")[0] : String(cause);
    throw new WheelhouseError("INVALID_PYLOCK", `${file} is not valid TOML: ${why}`, { cause });
  }
  const fail = (where: string, why: string) =>
    new WheelhouseError("INVALID_PYLOCK", `${file} is invalid: ${where} ${why}`, {
      hint: "see https://packaging.python.org/en/latest/specifications/pylock-toml/",
    });
  const v = validator(fail);

  const lockVersion = v.str(doc, "lock-version", "", true)!;
  // Compared as PEP 440 versions, as packaging does ("1" and "1.0.0" are 1.0).
  const [major, minor = 0] = /^\d+(\.\d+)*$/.test(lockVersion)
    ? lockVersion.split(".").map(Number)
    : [Number.NaN];
  if (major !== 1) {
    throw fail(`lock-version ${quote(lockVersion)}`, "is not supported (wheelhouse reads 1.x)");
  }
  const warnings: string[] = [];
  if (minor > 0) {
    warnings.push(
      `${file}: lock-version ${quote(lockVersion)} is newer than 1.0, the version wheelhouse knows; keys added since are ignored`,
    );
  }
  const unknownKeys = (t: Table, known: readonly string[], where: string) => {
    for (const k of Object.keys(t)) {
      if (!known.includes(k)) warnings.push(`${file}: unknown key ${where}${k} is ignored`);
    }
  };
  unknownKeys(doc, TOP_KEYS, "");
  const lock: Pylock = {
    lockVersion: "1.0",
    extras: v.strings(doc, "extras", "") ?? [],
    dependencyGroups: v.strings(doc, "dependency-groups", "") ?? [],
    defaultGroups: v.strings(doc, "default-groups", "") ?? [],
    createdBy: v.str(doc, "created-by", "", true)!,
    packages: [],
  };
  const environments = v.strings(doc, "environments", "");
  if (environments) lock.environments = environments;
  assign(lock, "requiresPython", v.str(doc, "requires-python", ""));
  if (doc.tool !== undefined) lock.tool = v.table(doc.tool, "tool");
  const packages = doc.packages;
  if (!Array.isArray(packages)) throw fail("key packages", "is missing or not an array of tables");
  packages.forEach((raw, index) => {
    const pkg = readPackage(raw, `packages[${index}]`, v);
    const t = raw as Table;
    const at = `packages[${index}] (${quote(pkg.name)}).`;
    unknownKeys(t, PACKAGE_KEYS, at);
    if (t.sdist !== undefined) unknownKeys(t.sdist as Table, FILE_KEYS, `${at}sdist.`);
    (Array.isArray(t.wheels) ? t.wheels : []).forEach((w, i) => {
      unknownKeys(w as Table, FILE_KEYS, `${at}wheels[${i}].`);
    });
    lock.packages.push(pkg);
  });
  if (warnings.length > 0) lock.warnings = warnings;
  return lock;
}

function readPackage(raw: unknown, where: string, v: Validator): PylockPackage {
  const t = v.table(raw, where);
  const name = v.str(t, "name", where, true)!;
  const at = `${where} (${quote(name)})`;
  const pkg: PylockPackage = { name };
  assign(pkg, "version", v.str(t, "version", at));
  assign(pkg, "marker", v.str(t, "marker", at));
  assign(pkg, "requiresPython", v.str(t, "requires-python", at));
  if (t.dependencies !== undefined) {
    if (!Array.isArray(t.dependencies)) throw v.fail(`${at}.dependencies`, "is not an array");
    pkg.dependencies = t.dependencies.map((d, i) => {
      const dep = v.table(d, `${at}.dependencies[${i}]`);
      const out: { name: string; version?: string } = { ...dep } as { name: string };
      out.name = v.str(dep, "name", `${at}.dependencies[${i}]`, true)!;
      assign(out, "version", v.str(dep, "version", `${at}.dependencies[${i}]`));
      return out;
    });
  }
  for (const key of ["vcs", "directory"] as const) {
    if (t[key] !== undefined) pkg[key] = v.table(t[key], `${at}.${key}`);
  }
  if (t.archive !== undefined) {
    const { name: _, ...archive }: PylockArchive & { name?: string } = readFile(
      t.archive,
      `${at}.archive`,
      v,
    );
    assign(
      archive,
      "subdirectory",
      v.str(v.table(t.archive, `${at}.archive`), "subdirectory", `${at}.archive`),
    );
    pkg.archive = archive;
  }
  assign(pkg, "index", v.str(t, "index", at));
  if (t.sdist !== undefined) pkg.sdist = readFile(t.sdist, `${at}.sdist`, v);
  if (t.wheels !== undefined) {
    if (!Array.isArray(t.wheels)) throw v.fail(`${at}.wheels`, "is not an array of tables");
    pkg.wheels = t.wheels.map((w, i) => readFile(w, `${at}.wheels[${i}]`, v));
  }
  const sources = ["vcs", "directory", "archive"].filter((key) => t[key] !== undefined);
  const files = (pkg.sdist ? 1 : 0) + (pkg.wheels?.length ?? 0);
  if (sources.length > 1 || (sources.length === 1 && files > 0)) {
    throw v.fail(at, "has more than one source (vcs, directory, archive, sdist/wheels)");
  }
  if (sources.length === 0 && files === 0) {
    throw v.fail(at, "has no source (one of vcs, directory, archive, or sdist and/or wheels)");
  }
  for (const [i, w] of (pkg.wheels ?? []).entries()) {
    checkFileNamesPackage(pkg, w, "wheel", `${at}.wheels[${i}]`, v.fail);
  }
  if (pkg.sdist) checkFileNamesPackage(pkg, pkg.sdist, "sdist", `${at}.sdist`, v.fail);
  const identities = t["attestation-identities"];
  if (identities !== undefined) {
    if (!Array.isArray(identities)) throw v.fail(`${at}.attestation-identities`, "is not an array");
    pkg.attestationIdentities = identities.map((a, i) => {
      const id = v.table(a, `${at}.attestation-identities[${i}]`);
      v.str(id, "kind", `${at}.attestation-identities[${i}]`, true);
      return id;
    });
  }
  if (t.tool !== undefined) pkg.tool = v.table(t.tool, `${at}.tool`);
  return pkg;
}

function readFile(raw: unknown, where: string, v: Validator): PylockFile {
  const t = v.table(raw, where);
  const hashes = v.table(t.hashes, `${where}.hashes`);
  if (Object.keys(hashes).length === 0) throw v.fail(`${where}.hashes`, "is empty");
  for (const [algorithm, digest] of Object.entries(hashes)) {
    if (typeof digest !== "string") throw v.fail(`${where}.hashes.${algorithm}`, "is not a string");
  }
  const f: PylockFile = { hashes: hashes as Record<string, string> };
  assign(f, "name", v.str(t, "name", where));
  assign(f, "url", v.str(t, "url", where));
  assign(f, "path", v.str(t, "path", where));
  if (f.url === undefined && f.path === undefined) throw v.fail(where, "has neither url nor path");
  if (t.size !== undefined) {
    if (typeof t.size !== "number" || !Number.isInteger(t.size) || t.size < 0) {
      throw v.fail(`${where}.size`, "is not a non-negative integer");
    }
    f.size = t.size;
  }
  const uploadTime = t["upload-time"];
  if (uploadTime !== undefined) {
    if (!(uploadTime instanceof TomlDate) || !uploadTime.isDateTime() || uploadTime.isLocal()) {
      throw v.fail(`${where}.upload-time`, "is not a TOML offset datetime");
    }
    f.uploadTime = uploadTime.toISOString();
  }
  return f;
}

type Validator = ReturnType<typeof validator>;

function validator(fail: (where: string, why: string) => WheelhouseError) {
  const key = (where: string, k: string) => (where === "" ? `key ${k}` : `${where}.${k}`);
  return {
    fail,
    table(value: unknown, where: string): Table {
      if (
        typeof value !== "object" ||
        value === null ||
        Array.isArray(value) ||
        value instanceof Date
      ) {
        throw fail(where, value === undefined ? "is missing" : "is not a table");
      }
      return value as Table;
    },
    str(t: Table, k: string, where: string, required = false): string | undefined {
      const value = t[k];
      if (value === undefined) {
        if (required) throw fail(key(where, k), "is missing");
        return undefined;
      }
      if (typeof value !== "string") throw fail(key(where, k), "is not a string");
      return value;
    },
    strings(t: Table, k: string, where: string): string[] | undefined {
      const value = t[k];
      if (value === undefined) return undefined;
      if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) {
        throw fail(key(where, k), "is not an array of strings");
      }
      return value as string[];
    },
  };
}

function assign<T extends object>(target: T, k: keyof T, value: unknown): void {
  if (value !== undefined) (target as Record<keyof T, unknown>)[k] = value;
}

/**
 * Write a lock as pylock.toml text, deterministically: keys in the spec's order, empty arrays and
 * absent keys left out, packages sorted by canonical name then version (numeric-aware), wheels by
 * file name, files as inline tables (`sdist = {...}`, `wheels = [{...}]`), `[tool]` last.
 * Package and dependency names are written normalized, upload times in UTC; `warnings` is ignored.
 * @throws WheelhouseError code "INVALID_PYLOCK" when an upload time is not an RFC 3339 datetime
 *   with an offset (or names a day or time that does not exist), or a file has no hashes.
 */
export function formatPylock(lock: Pylock): string {
  const out: string[] = [];
  const line = (k: string, v: unknown) => {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) return;
    out.push(`${tomlKey(k)} = ${tomlValue(v)}`);
  };
  line("lock-version", lock.lockVersion);
  line("environments", lock.environments);
  line("requires-python", lock.requiresPython);
  line("extras", lock.extras);
  line("dependency-groups", lock.dependencyGroups);
  line("default-groups", lock.defaultGroups);
  line("created-by", lock.createdBy);
  if (lock.packages.length === 0) out.push("packages = []"); // required even when empty
  const packages = [...lock.packages].sort(
    (a, b) =>
      compareText(canonicalOrRaw(a.name), canonicalOrRaw(b.name)) ||
      compareText(a.version ?? "", b.version ?? ""),
  );
  for (const pkg of packages) {
    out.push("", "[[packages]]");
    line("name", canonicalOrRaw(pkg.name)); // PEP 751: "the name of the package normalized"
    line("version", pkg.version);
    line("marker", pkg.marker);
    line("requires-python", pkg.requiresPython);
    if (pkg.dependencies?.length) {
      const deps = [...pkg.dependencies].sort(
        (a, b) =>
          compareText(canonicalOrRaw(a.name), canonicalOrRaw(b.name)) ||
          compareText(a.version ?? "", b.version ?? ""),
      );
      out.push(
        multiline(
          "dependencies",
          deps.map((d) => tomlValue({ ...d, name: canonicalOrRaw(d.name) })),
        ),
      );
    }
    line("vcs", pkg.vcs);
    line("directory", pkg.directory);
    if (pkg.archive) out.push(`archive = ${fileValue(pkg.archive, pkg.name)}`);
    line("index", pkg.index);
    if (pkg.sdist) out.push(`sdist = ${fileValue(pkg.sdist, pkg.name)}`);
    if (pkg.wheels?.length) {
      const wheels = [...pkg.wheels].sort((a, b) =>
        compareText(a.name ?? a.url ?? a.path ?? "", b.name ?? b.url ?? b.path ?? ""),
      );
      out.push(
        multiline(
          "wheels",
          wheels.map((w) => fileValue(w, pkg.name)),
        ),
      );
    }
    if (pkg.attestationIdentities?.length) {
      out.push(
        multiline(
          "attestation-identities",
          pkg.attestationIdentities.map((a) => tomlValue(a)),
        ),
      );
    }
    line("tool", pkg.tool);
  }
  if (lock.tool !== undefined) {
    out.push("", "[tool]");
    // Every entry, empty arrays too: tool data is kept as read.
    for (const [k, v] of Object.entries(lock.tool)) {
      if (v !== undefined) out.push(`${tomlKey(k)} = ${tomlValue(v)}`);
    }
  }
  return `${out.join("\n")}\n`;
}

function fileValue(f: PylockFile | PylockArchive, pkg: string): string {
  if (Object.keys(f.hashes ?? {}).length === 0) {
    throw new WheelhouseError("INVALID_PYLOCK", `package ${quote(pkg)} has a file without hashes`);
  }
  const parts: string[] = [];
  if ("name" in f && f.name !== undefined) parts.push(`name = ${tomlValue(f.name)}`);
  if (f.uploadTime !== undefined) {
    const utc = utcDatetime(f.uploadTime);
    if (utc === undefined) {
      throw new WheelhouseError(
        "INVALID_PYLOCK",
        `package ${quote(pkg)}: upload-time ${quote(f.uploadTime)} is not an RFC 3339 datetime with an offset`,
      );
    }
    parts.push(`upload-time = ${utc}`);
  }
  if (f.url !== undefined) parts.push(`url = ${tomlValue(f.url)}`);
  if (f.path !== undefined) parts.push(`path = ${tomlValue(f.path)}`);
  if (f.size !== undefined) parts.push(`size = ${tomlValue(f.size)}`);
  if ("subdirectory" in f && f.subdirectory !== undefined) {
    parts.push(`subdirectory = ${tomlValue(f.subdirectory)}`);
  }
  const hashes = Object.fromEntries(Object.entries(f.hashes).sort(([a], [b]) => compareText(a, b)));
  parts.push(`hashes = ${tomlValue(hashes)}`);
  return `{ ${parts.join(", ")} }`;
}

function canonicalOrRaw(name: string): string {
  try {
    return canonicalizeName(name);
  } catch {
    return name;
  }
}
