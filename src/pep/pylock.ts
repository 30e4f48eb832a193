// pylock.toml (PEP 751): parse and validate a lock file, and write one deterministically.
// Spec: https://packaging.python.org/en/latest/specifications/pylock-toml/
// Traps:
// - Keys are kebab-case in TOML (`lock-version`, `upload-time`...) and camelCase here.
// - `upload-time` is a TOML offset datetime, not a string; smol-toml keeps milliseconds only, so
//   microseconds from other tools are truncated on read.
// - A package comes from exactly one of vcs / directory / archive / (sdist and/or wheels);
//   vcs, directory and archive are kept as raw tables (wheelhouse only writes sdists and wheels).
// - The spec asks writers for a stable order: keys in the order the spec lists them, packages
//   sorted by name then version, `tool` tables last.

import { parse, TomlDate, TomlError } from "smol-toml";
import { quote, WheelhouseError } from "./errors.js";
import { canonicalizeName } from "./names.js";

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

/** One `[[packages]]` entry. */
export interface PylockPackage {
  name: string;
  version?: string;
  marker?: string;
  requiresPython?: string;
  /** Informational: the packages this one depends on, identified by name (and version). */
  dependencies?: { name: string; version?: string }[];
  /** Raw `packages.vcs` / `packages.directory` / `packages.archive` tables, kept as read. */
  vcs?: Record<string, unknown>;
  directory?: Record<string, unknown>;
  archive?: Record<string, unknown>;
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
 * @throws WheelhouseError code "INVALID_PYLOCK" for TOML syntax errors, a lock-version other than
 *   1.x, a missing required key (`lock-version`, `created-by`, `packages`, `packages.name`,
 *   a file's `hashes` and `url`/`path`) or a value of the wrong type; the message names the key
 *   and the package.
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
  if (!/^1\.\d+$/.test(lockVersion)) {
    throw fail(`lock-version ${quote(lockVersion)}`, "is not supported (wheelhouse reads 1.x)");
  }
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
    lock.packages.push(readPackage(raw, `packages[${index}]`, v));
  });
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
  for (const key of ["vcs", "directory", "archive"] as const) {
    if (t[key] !== undefined) pkg[key] = v.table(t[key], `${at}.${key}`);
  }
  assign(pkg, "index", v.str(t, "index", at));
  if (t.sdist !== undefined) pkg.sdist = readFile(t.sdist, `${at}.sdist`, v);
  if (t.wheels !== undefined) {
    if (!Array.isArray(t.wheels)) throw v.fail(`${at}.wheels`, "is not an array of tables");
    pkg.wheels = t.wheels.map((w, i) => readFile(w, `${at}.wheels[${i}]`, v));
  }
  const sources = ["vcs", "directory", "archive"].filter((key) => t[key] !== undefined);
  if (sources.length > 1 || (sources.length === 1 && (pkg.sdist || pkg.wheels))) {
    throw v.fail(at, "has more than one source (vcs, directory, archive, sdist/wheels)");
  }
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
 * @throws WheelhouseError code "INVALID_PYLOCK" when an upload time is not an RFC 3339 datetime
 *   with an offset, or a file has no hashes.
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
    line("name", pkg.name);
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
          deps.map((d) => tomlValue(d)),
        ),
      );
    }
    line("vcs", pkg.vcs);
    line("directory", pkg.directory);
    line("archive", pkg.archive);
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
    for (const [k, v] of Object.entries(lock.tool)) line(k, v);
  }
  return `${out.join("\n")}\n`;
}

function fileValue(f: PylockFile, pkg: string): string {
  if (Object.keys(f.hashes ?? {}).length === 0) {
    throw new WheelhouseError("INVALID_PYLOCK", `package ${quote(pkg)} has a file without hashes`);
  }
  const parts: string[] = [];
  if (f.name !== undefined) parts.push(`name = ${tomlValue(f.name)}`);
  if (f.uploadTime !== undefined) {
    if (!RFC3339.test(f.uploadTime)) {
      throw new WheelhouseError(
        "INVALID_PYLOCK",
        `package ${quote(pkg)}: upload-time ${quote(f.uploadTime)} is not an RFC 3339 datetime with an offset`,
      );
    }
    parts.push(`upload-time = ${f.uploadTime}`);
  }
  if (f.url !== undefined) parts.push(`url = ${tomlValue(f.url)}`);
  if (f.path !== undefined) parts.push(`path = ${tomlValue(f.path)}`);
  if (f.size !== undefined) parts.push(`size = ${tomlValue(f.size)}`);
  const hashes = Object.fromEntries(Object.entries(f.hashes).sort(([a], [b]) => compareText(a, b)));
  parts.push(`hashes = ${tomlValue(hashes)}`);
  return `{ ${parts.join(", ")} }`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function multiline(key: string, items: string[]): string {
  return `${tomlKey(key)} = [\n${items.map((item) => `  ${item},\n`).join("")}]`;
}

function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k);
}

/** A TOML inline value: basic strings, integers/floats, booleans, datetimes, arrays, inline tables. */
function tomlValue(v: unknown): string {
  if (typeof v === "string") return tomlString(v);
  if (typeof v === "boolean") return String(v);
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    return String(v); // JS has no int/float split: 1.0 is written as the integer 1
  }
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`).join(", ")} }`;
  }
  throw new WheelhouseError(
    "INVALID_PYLOCK",
    `value ${quote(String(v))} cannot be written as TOML`,
  );
}

/** TOML basic string: JSON escapes are valid TOML escapes, except that DEL must be escaped too. */
function tomlString(s: string): string {
  return JSON.stringify(s.replace(/[\uD800-\uDFFF]/gu, "\uFFFD")).replace(/\x7f/g, "\\u007f");
}

function canonicalOrRaw(name: string): string {
  try {
    return canonicalizeName(name);
  } catch {
    return name;
  }
}

/** Deterministic, locale-free comparison where digit runs compare as numbers ("1.10" > "1.9"). */
function compareText(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length || (a < b ? -1 : a > b ? 1 : 0);
}
