// Install one wheel into an environment, in two steps so nothing half-installed is ever visible:
// stageWheel() checks every entry's name, checks each file's hash and size against RECORD and
// writes it into a hidden staging directory inside its scheme directory (./staging.ts), and
// writes the launchers; commit() renames the staged trees into place; finish() writes the
// .dist-info (INSTALLER, REQUESTED, a RECORD of the installed paths) under a temp name and
// renames it last. Any failure before that removes the staging directories, the temp dist-info
// and every scheme directory the wheel created.
// Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// https://packaging.python.org/en/latest/specifications/recording-installed-packages/
// Traps:
// - Every member but RECORD (and its signatures) must be in RECORD with a hash: a wheel that
//   does not say what a file is must not install it (pip and uv skip this check).
// - Names are checked before anything is written: absolute, `..`, drive letters, backslashes.
//   A symlink member (zip mode 0o120000) is created only when its target stays in its scheme dir.
// - `.data/scripts/` files starting with `#!python` get the target interpreter; their RECORD
//   row in the installed RECORD is the hash of the rewritten bytes.
// - Files are copied out of the zip, never hard-linked from the store.

import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { chmod, rm } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseWheelFilename } from "../../pep/filename.js";
import { canonicalizeName } from "../../pep/names.js";
import { formatRecord, parseRecord, type RecordEntry } from "../../pep/record.js";
import { damagedMember } from "../../store/zip-reader.js";
import type { CheckFailure, FileWriter } from "./file-writer.js";
import {
  entryPointScripts,
  isEntryPointWrapper,
  readScriptEntryPoints,
  rewriteShebang,
} from "./scripts.js";
import { memberPath, relativeUnder, Staging } from "./staging.js";
import { checkWheelVersion, fail, findDistInfo } from "./wheel-layout.js";
import { type OpenWheel, openWheel } from "./wheel-zip.js";

/** Absolute directories a wheel's files go to (sysconfig scheme of the target environment). */
export interface Scheme {
  purelib: string;
  platlib: string;
  scripts: string;
  data: string;
  headers: string;
}

/** How to install. */
export interface StageOptions {
  scheme: Scheme;
  /** The interpreter launchers and `#!python` scripts run. */
  python: string;
  /** Writes the files (worker threads, shared by the wheels of one install). */
  writer: FileWriter;
  /** The target Python's [major, minor]: names pip's versioned launchers (pip3.11). */
  pythonVersion?: readonly number[];
  /** Told of what pip warns about (a newer Wheel-Version minor). */
  onWarning?: (message: string) => void;
  /** The wheel at `path` already open (it is closed here), instead of opening it again. */
  opened?: OpenWheel;
}

/** A wheel written into staging directories; call commit() then finish(), or discard(). */
export interface StagedWheel {
  filename: string;
  /** Canonical name and version from the filename. */
  name: string;
  version: string;
  /** The directory holding the .dist-info (purelib or platlib by Root-Is-Purelib). */
  root: string;
  /** Final paths of the .py files installed (for --compile). */
  pyFiles: string[];
  /** Final paths of the files installed in the scripts directory (launchers, .data/scripts). */
  scripts: string[];
  commit(): Promise<void>;
  /**
   * Write the dist-info; `extra` are more installed paths to record (e.g. .pyc files);
   * `directUrl`, the text of a direct_url.json (PEP 610), when installed from a named file.
   */
  finish(options: { requested: boolean; extra?: string[]; directUrl?: string }): Promise<void>;
  discard(): Promise<void>;
}

const HASHES = new Set([
  "sha256",
  "sha384",
  "sha512",
  "sha3_256",
  "sha3_384",
  "sha3_512",
  "blake2b",
  "blake2s",
]);
const INSTALLER = "wheelhouse\n";

/** The RECORD hash and size of `text`. */
function hashOf(text: string): Pick<RecordEntry, "hash" | "size"> {
  const bytes = Buffer.from(text);
  const digest = createHash("sha256").update(bytes).digest("base64url");
  return { hash: { algorithm: "sha256", digest }, size: bytes.length };
}

const DATA_KEYS = new Set(["purelib", "platlib", "scripts", "headers", "data"]);

/** Why an entry name is unsafe, or undefined when it is fine. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.includes("\\")) return "contains a backslash";
  if (name.startsWith("/")) return "is an absolute path";
  if (/^[A-Za-z]:/.test(name)) return "starts with a drive letter";
  if (name.split("/").some((part) => part === ".."))
    return 'climbs out with ".." (an invalid relative path)';
  if (name.includes("\0")) return "contains a NUL byte";
  return undefined;
}

/**
 * Check a wheel's files and write them into staging directories. `path` holds the bytes (or
 * `options.opened` has them); `filename` names it.
 * @throws WheelhouseError naming the wheel: NOT_A_ZIP, CORRUPT_ARCHIVE, UNSAFE_WHEEL_ENTRY,
 *   INVALID_WHEEL (no or bad WHEEL/RECORD, unsupported Wheel-Version), RECORD_MISSING_ENTRY,
 *   RECORD_HASH_MISMATCH, RECORD_SIZE_MISMATCH; after removing everything it wrote.
 */
export async function stageWheel(
  path: string,
  filename: string,
  options: StageOptions,
): Promise<StagedWheel> {
  const parsed = parseWheelFilename(filename);
  const zip = options.opened ?? (await openWheel(path, filename));
  const stage = new Stage(filename, options);
  try {
    return await stage.run(zip, parsed.name, parsed.version);
  } catch (error) {
    await stage.discard();
    throw checkFailure(error, filename) ?? error;
  } finally {
    zip.close();
  }
}

/** The WheelhouseError for a member a writer thread refused (see CheckFailure), if it is one. */
function checkFailure(error: unknown, filename: string): WheelhouseError | undefined {
  const check = (error as { check?: CheckFailure } | undefined)?.check;
  if (check === undefined) return undefined;
  if (check.code === "CORRUPT_ARCHIVE") return damagedMember(filename, check.member, check.why);
  if (check.code === "RECORD_HASH_MISMATCH")
    return hashMismatch(filename, check.member, check.algorithm);
  return sizeMismatch(filename, check.member, check.size, check.recordSize);
}

function hashMismatch(filename: string, member: string, algorithm: string): WheelhouseError {
  return fail(
    "RECORD_HASH_MISMATCH",
    filename,
    `has ${quote(member)} whose ${algorithm} differs from its RECORD`,
  );
}

function sizeMismatch(
  filename: string,
  member: string,
  size: number,
  recordSize: number,
): WheelhouseError {
  return fail(
    "RECORD_SIZE_MISMATCH",
    filename,
    `has ${quote(member)} of ${size} bytes; its RECORD says ${recordSize}`,
  );
}

class Stage {
  private readonly tag = `.whtmp-${randomBytes(4).toString("hex")}`;
  private readonly staging: Staging;
  private readonly records: RecordEntry[] = [];
  private readonly pyFiles: string[] = [];
  private readonly scripts: string[] = [];
  /** The scripts directory with a trailing separator (tested against every member's path). */
  private readonly scriptsDir: string;
  private distInfoTemp = "";
  private root = "";

  constructor(
    private readonly filename: string,
    private readonly options: StageOptions,
  ) {
    this.staging = new Staging(this.tag, options.writer);
    this.scriptsDir = options.scheme.scripts + sep;
  }

  async run(zip: OpenWheel, name: string, version: string): Promise<StagedWheel> {
    const { filename } = this;
    for (const entry of zip.entries) {
      const why = unsafeEntryName(entry.name);
      if (why)
        throw fail(
          "UNSAFE_WHEEL_ENTRY",
          filename,
          `has an unsafe entry ${quote(entry.name)}: it ${why}`,
        );
    }
    const distInfo = findDistInfo(
      zip.entries.map((e) => e.name),
      name,
      filename,
    );
    const wheelText = (await zip.read(`${distInfo}/WHEEL`)).toString("utf8");
    const warning = checkWheelVersion(wheelText, filename);
    if (warning) this.options.onWarning?.(warning);
    const purelib = /^Root-Is-Purelib:\s*true\s*$/im.test(wheelText);
    const { scheme } = this.options;
    this.root = purelib ? scheme.purelib : scheme.platlib;
    let record: Map<string, RecordEntry>;
    try {
      record = new Map(
        parseRecord((await zip.read(`${distInfo}/RECORD`)).toString("utf8")).map((r) => [
          r.path,
          r,
        ]),
      );
    } catch (error) {
      if (error instanceof WheelhouseError && error.code === "INVALID_RECORD") {
        throw fail("INVALID_WHEEL", filename, `has a bad RECORD: ${error.message}`);
      }
      throw error;
    }
    // The dist-info is staged beside its final place, renamed last by finish().
    this.staging.prepare(this.root);
    this.distInfoTemp = join(this.root, `${distInfo}${this.tag}`);
    const recordFiles = new Set(
      ["RECORD", "RECORD.jws", "RECORD.p7s"].map((f) => `${distInfo}/${f}`),
    );
    const entryPointsFile = `${distInfo}/entry_points.txt`;
    const entryPoints = zip.entries.some((e) => e.name === entryPointsFile)
      ? (await zip.read(entryPointsFile)).toString("utf8")
      : undefined;
    const scriptNames = new Set(
      entryPoints === undefined
        ? []
        : readScriptEntryPoints(entryPoints, filename).map((e) => e.name),
    );
    for (const entry of zip.entries) {
      if (entry.name.endsWith("/")) continue;
      const rel = entry.name;
      if (recordFiles.has(rel)) continue;
      const row = record.get(rel);
      if (!row?.hash) {
        throw fail(
          "RECORD_MISSING_ENTRY",
          filename,
          `has ${quote(rel)} without a hash in its RECORD`,
        );
      }
      const algorithm = row.hash.algorithm.toLowerCase();
      if (!HASHES.has(algorithm)) {
        throw fail(
          "INVALID_WHEEL",
          filename,
          `hashes ${quote(rel)} with ${quote(algorithm)}, which is not allowed`,
        );
      }
      let dest: string;
      let base: string;
      let temp: string;
      let isScript = false;
      const inDistInfo = rel.startsWith(`${distInfo}/`);
      if (inDistInfo) {
        base = this.root;
        dest = memberPath(this.root, rel);
        temp = join(this.distInfoTemp, rel.slice(distInfo.length + 1));
      } else {
        // Any top-level `*.data/` folder is the data directory, as pip reads it: one whose name
        // is spelled unlike the .dist-info's must not land in site-packages as it is.
        const top = rel.includes("/") ? rel.slice(0, rel.indexOf("/")) : "";
        if (top.endsWith(".data")) {
          const [key, ...rest] = rel.slice(top.length + 1).split("/");
          if (!DATA_KEYS.has(key) || rest.length === 0) {
            throw fail(
              "INVALID_WHEEL",
              filename,
              `has ${quote(rel)} in an unknown .data directory ${quote(key)}`,
            );
          }
          // Headers go in a folder named after the project, as pip puts them
          // (include/site/pythonX.Y/<name>/ in a venv): `#include <greenlet/greenlet.h>`.
          base =
            key === "headers"
              ? join(scheme.headers, canonicalizeName(name, { validate: false }))
              : scheme[key as keyof Scheme];
          dest = join(base, ...rest);
          isScript = key === "scripts";
          // setuptools' own wrappers of an entry point: the launcher written below replaces them.
          if (isScript && isEntryPointWrapper(rest[rest.length - 1], scriptNames)) continue;
        } else {
          base = this.root;
          dest = memberPath(this.root, rel);
        }
        temp = this.staging.path(base, dest);
      }
      await this.writeMember(
        zip,
        entry,
        row,
        algorithm,
        { dest, base, temp, inDistInfo },
        isScript,
      );
    }
    if (entryPoints !== undefined) await this.writeLaunchers(entryPoints);
    await this.staging.settle();
    return this.staged(name, version, distInfo);
  }

  private staged(name: string, version: string, distInfo: string): StagedWheel {
    const root = this.root;
    const commit = async () => this.staging.commit();
    const finish = async ({
      requested,
      extra = [],
      directUrl,
    }: {
      requested: boolean;
      extra?: string[];
      directUrl?: string;
    }) => {
      const finalInfo = join(root, distInfo);
      const inInfo = (file: string) => ({ path: `${distInfo}/${file}` });
      // The RECORD spec discourages leaving a file's hash out (only RECORD's own row has none).
      const written = [
        { ...inInfo("INSTALLER"), ...hashOf(INSTALLER) },
        ...(requested ? [{ ...inInfo("REQUESTED"), ...hashOf("") }] : []),
        ...(directUrl !== undefined
          ? [{ ...inInfo("direct_url.json"), ...hashOf(directUrl) }]
          : []),
        inInfo("RECORD"),
      ];
      // A wheel that ships its own INSTALLER (REQUESTED, direct_url.json) has it replaced: one
      // row per file.
      const replaced = new Set(written.map((w) => w.path));
      const rows = [
        ...this.records.filter((r) => !replaced.has(r.path)),
        ...extra.map((p) => ({ path: this.relPath(p) })),
      ];
      // Synchronous: three small files and a rename, while nothing else runs, cost less on the
      // main thread than a dozen round trips through libuv's thread pool (120 wheels: 0.2 s).
      writeFileSync(join(this.distInfoTemp, "INSTALLER"), INSTALLER);
      if (requested) writeFileSync(join(this.distInfoTemp, "REQUESTED"), "");
      if (directUrl !== undefined) {
        writeFileSync(join(this.distInfoTemp, "direct_url.json"), directUrl);
      }
      writeFileSync(join(this.distInfoTemp, "RECORD"), formatRecord([...rows, ...written]));
      if (existsSync(finalInfo)) rmSync(finalInfo, { recursive: true, force: true });
      renameSync(this.distInfoTemp, finalInfo);
    };
    return {
      filename: this.filename,
      name: canonicalizeName(name, { validate: false }),
      version,
      root,
      pyFiles: this.pyFiles,
      scripts: this.scripts,
      commit,
      finish,
      discard: () => this.discard(),
    };
  }

  /** RECORD path of an absolute installed path: relative to the dist-info's directory, "/"-separated. */
  private relPath(abs: string): string {
    const rel = relativeUnder(this.root, abs);
    return sep === "/" ? rel : rel.split(sep).join("/");
  }

  /** Check one member against its RECORD row and stage it (the write runs in the background). */
  private async writeMember(
    zip: OpenWheel,
    entry: OpenWheel["entries"][number],
    row: RecordEntry,
    algorithm: string,
    to: { dest: string; base: string; temp: string; inDistInfo: boolean },
    isScript: boolean,
  ): Promise<void> {
    const { filename } = this;
    const { dest, base, temp, inDistInfo } = to;
    const digest = row.hash!.digest.replace(/=+$/, "");
    const check = (actual: string, size: number) => {
      if (actual !== digest) throw hashMismatch(filename, entry.name, algorithm);
      if (row.size !== undefined && row.size !== size)
        throw sizeMismatch(filename, entry.name, size, row.size);
    };
    const raw = entry.isSymlink || isScript ? undefined : zip.rawNow(entry.name);
    if (raw !== undefined) {
      // Inflated, checked and written on a writer thread. A view of a wheel read into shared
      // memory goes there as it is; otherwise a copy that owns its ArrayBuffer is transferred
      // (a view into a bigger buffer would be cloned whole).
      const mode = entry.executable ? 0o755 : 0o644;
      await this.staging.writePacked({
        kind: "packed",
        path: temp,
        mode,
        member: entry.name,
        bytes:
          raw.bytes.buffer instanceof SharedArrayBuffer ? raw.bytes : new Uint8Array(raw.bytes),
        method: raw.method,
        size: raw.size,
        crc32: raw.crc32,
        algorithm,
        digest,
        recordSize: row.size,
      });
      this.recordFile(dest, row.hash, raw.size, inDistInfo);
      return;
    }
    const bytes =
      zip.readNow(entry.name) ??
      (entry.isSymlink || isScript ? await zip.read(entry.name) : undefined);
    if (bytes === undefined) {
      // A member of a wheel too big for memory: streamed to its staged path, checked after.
      const hash = createHash(algorithm);
      let size = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      await this.staging.mkdirs(dirname(temp));
      const mode = entry.executable ? 0o755 : 0o644;
      await pipeline(await zip.stream(entry.name), counter, createWriteStream(temp, { mode }));
      check(hash.digest("base64url"), size);
      if (entry.executable) await chmod(temp, 0o755);
      this.recordFile(dest, row.hash, size, inDistInfo);
      return;
    }
    check(createHash(algorithm).update(bytes).digest("base64url"), bytes.length);
    if (entry.isSymlink) {
      const target = bytes.toString("utf8");
      const resolved = resolve(dirname(dest), target);
      if (
        target.startsWith("/") ||
        unsafeEntryName(target) === "starts with a drive letter" ||
        !resolved.startsWith(resolve(base) + sep)
      ) {
        throw fail(
          "UNSAFE_WHEEL_ENTRY",
          filename,
          `has a link ${quote(entry.name)} pointing outside its directory to ${quote(target)}`,
        );
      }
      await this.staging.symlink(target, temp);
      this.records.push({ path: this.relPath(dest), hash: row.hash, size: bytes.length });
      return;
    }
    if (isScript) {
      const out = rewriteShebang(bytes, this.options.python);
      await this.staging.write(temp, out, 0o755);
      const digest = createHash("sha256").update(out).digest("base64url");
      this.records.push({
        path: this.relPath(dest),
        hash: { algorithm: "sha256", digest },
        size: out.length,
      });
      return;
    }
    await this.staging.write(temp, bytes, entry.executable ? 0o755 : 0o644);
    this.recordFile(dest, row.hash, bytes.length, inDistInfo);
  }

  private recordFile(
    dest: string,
    hash: RecordEntry["hash"],
    size: number,
    inDistInfo: boolean,
  ): void {
    this.records.push({ path: this.relPath(dest), hash, size });
    if (!inDistInfo && dest.endsWith(".py")) this.pyFiles.push(dest);
    if (dest.startsWith(this.scriptsDir)) this.scripts.push(dest);
  }

  private async writeLaunchers(text: string): Promise<void> {
    const scripts = this.options.scheme.scripts;
    const { python, pythonVersion } = this.options;
    for (const script of entryPointScripts(text, python, this.filename, pythonVersion)) {
      const dest = join(scripts, script.name);
      await this.staging.write(this.staging.path(scripts, dest), script.content, 0o755);
      this.scripts.push(dest);
      const bytes = Buffer.from(script.content);
      const digest = createHash("sha256").update(bytes).digest("base64url");
      this.records.push({
        path: this.relPath(dest),
        hash: { algorithm: "sha256", digest },
        size: bytes.length,
      });
    }
  }

  async discard(): Promise<void> {
    await this.staging.discard();
    if (this.distInfoTemp) await rm(this.distInfoTemp, { recursive: true, force: true });
  }
}
