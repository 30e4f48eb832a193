// Inspect a distribution file: parse its filename, find its core metadata (a wheel's
// `<name>-<version>.dist-info/METADATA`, an sdist's top-level `PKG-INFO`), keep the exact bytes
// (served byte-identical as the PEP 658 file) and check them against the filename.
// Specs: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
//        https://packaging.python.org/en/latest/specifications/source-distribution-format/
//        https://peps.python.org/pep-0658/
// Traps:
// - The dist-info folder name may differ in case or separators from the filename (old wheels):
//   match it after normalization, and prefer the one that matches when several exist.
// - Versions are compared as PEP 440 versions, as pip compares a candidate's link with its
//   metadata: "foo-1.0-py3-none-any.whl" whose METADATA says 1.0.0 is accepted (equal versions,
//   zero padding). Old sdists carry versions that are not PEP 440; they are compared verbatim.
// - A wheel whose zip lists METADATA twice is read at its last entry, as zipfile (pip) reads it.
// - An sdist's PKG-INFO is the one directly under the single top folder; deeper ones
//   (`src/x.egg-info/PKG-INFO`) are not it.

import { parse as parseToml } from "smol-toml";
import { type CoreMetadata, parseCoreMetadata } from "../pep/core-metadata.js";
import { quote, WheelhouseError } from "../pep/errors.js";
import { parseDistributionFilename } from "../pep/filename.js";
import { canonicalizeName } from "../pep/names.js";
import { compareParsed, tryParseVersion } from "../pep/version.js";
import { ChunkedBytes } from "./chunked-bytes.js";
import { readTarMembers } from "./tar-reader.js";
import { openZip } from "./zip-reader.js";

/** What a distribution file says about itself. */
export interface InspectedDistribution {
  filename: string;
  kind: "wheel" | "sdist";
  /** Canonical project name (PEP 503). */
  name: string;
  /** The project name as written in the core metadata's `Name:`. */
  displayName: string;
  /**
   * The filename's normalized version (PEP 440); the metadata's equals it as a version ("1.0"
   * and "1.0.0" are equal), as pip, which keeps a candidate's version from its link.
   */
  version: string;
  /** Exact bytes of METADATA / PKG-INFO. */
  metadataBytes: Buffer;
  metadata: CoreMetadata;
  /** Wheels: the expanded compatibility tags of the filename, e.g. ["py3-none-any"]. */
  tags?: string[];
  /** Sdists: `[build-system].requires` of pyproject.toml; undefined without file, table or valid TOML. */
  buildRequires?: string[];
}

/** A name listed twice in a zip reads its last entry, as zipfile (so pip) reads it. */
const LAST_OF_NAME = { duplicates: "last" } as const;

const DIST_INFO_METADATA = /^([^/]+)-([^/-]+)\.dist-info\/METADATA$/;
const TOP_LEVEL = /^[^/]+\/(PKG-INFO|pyproject\.toml)$/;

/** PEP 440 equality ("1.0" == "1.0.0"), as packaging's Version ==; verbatim when either is not PEP 440. */
function sameVersion(a: string, b: string): boolean {
  const pa = tryParseVersion(a);
  const pb = tryParseVersion(b);
  return pa === null || pb === null ? a === b : compareParsed(pa, pb) === 0;
}

function tryCanonicalizeName(n: string): string {
  try {
    return canonicalizeName(n);
  } catch {
    return n.toLowerCase();
  }
}

/**
 * Read and check the core metadata of the wheel or sdist at `path`. `filename` (default: the
 * basename of `path`) decides the kind; pass it when the file sits under another name (tmp/).
 * @throws WheelhouseError naming the file: "UNKNOWN_EXTENSION" / "INVALID_WHEEL_FILENAME" /
 *   "INVALID_SDIST_FILENAME" (from the filename parser), "NOT_A_ZIP", "CORRUPT_ARCHIVE",
 *   "NO_METADATA", "INVALID_METADATA", "METADATA_MISMATCH" (filename vs metadata name/version).
 */
export async function inspectDistribution(
  path: string,
  filename: string = path.split(/[\\/]/).pop() ?? path,
): Promise<InspectedDistribution> {
  return inspectSource(path, filename);
}

/**
 * {@link inspectDistribution} of a file already in memory (`bytes`), named `filename`.
 * @throws as inspectDistribution.
 */
export async function inspectDistributionBytes(
  bytes: Buffer | ChunkedBytes,
  filename: string,
): Promise<InspectedDistribution> {
  return inspectSource(bytes, filename);
}

async function inspectSource(
  path: string | Buffer | ChunkedBytes,
  filename: string,
): Promise<InspectedDistribution> {
  const parsed = parseDistributionFilename(filename);
  let metadataBytes: Buffer;
  let buildRequires: string[] | undefined;
  if (parsed.kind === "wheel") {
    metadataBytes = await readWheelMetadata(path, filename, parsed.name, parsed.version);
  } else {
    const members =
      parsed.extension === ".zip"
        ? await readZipSdist(path, filename)
        : await readTarMembers(
            path instanceof ChunkedBytes ? path.subarray() : path,
            parsed.extension === ".tar.bz2" ? "bzip2" : "gzip",
            (n) => TOP_LEVEL.test(n),
            filename,
            (found) => found.size === 2,
          );
    const pkgInfo = [...members.keys()].filter((n) => n.endsWith("/PKG-INFO"));
    if (pkgInfo.length === 0) throw noMetadata(filename, "a top-level PKG-INFO");
    metadataBytes = members.get(pkgInfo[0])!;
    const pyproject = [...members.keys()].find((n) => n.endsWith("/pyproject.toml"));
    if (pyproject !== undefined) {
      buildRequires = readBuildRequires(members.get(pyproject)!);
    }
  }
  let metadata: CoreMetadata;
  try {
    metadata = parseCoreMetadata(metadataBytes.toString("utf8"));
  } catch (error) {
    if (error instanceof WheelhouseError) {
      throw new WheelhouseError(error.code, `${quote(filename)}: ${error.message}`, {
        cause: error,
        hint: error.hint,
      });
    }
    throw error;
  }
  const name = tryCanonicalizeName(metadata.name);
  if (name !== parsed.name || !sameVersion(metadata.version, parsed.version)) {
    throw new WheelhouseError(
      "METADATA_MISMATCH",
      `${quote(filename)} says ${quote(`${parsed.name} ${parsed.version}`)} in its filename but ${quote(`${metadata.name} ${metadata.version}`)} in its core metadata`,
      { hint: "the file was renamed or built wrongly; rebuild it or fix its name" },
    );
  }
  return {
    filename,
    kind: parsed.kind,
    name,
    displayName: metadata.name,
    version: parsed.version,
    metadataBytes,
    metadata,
    ...(parsed.kind === "wheel" ? { tags: parsed.tags } : {}),
    ...(buildRequires !== undefined ? { buildRequires } : {}),
  };
}

function noMetadata(filename: string, what: string): WheelhouseError {
  return new WheelhouseError("NO_METADATA", `${quote(filename)} has no core metadata (${what})`, {
    hint: "the archive is incomplete or not a Python distribution",
  });
}

// The first dist-info whose name and version match the filename's is read; without one, the
// first `*.dist-info/METADATA` (which then fails the name/version check). The whole directory is
// walked: a later entry of the same name is the one zipfile (pip) reads, and the reader's.
async function readWheelMetadata(
  path: string | Buffer | ChunkedBytes,
  filename: string,
  name: string,
  version: string,
): Promise<Buffer> {
  const zip = await openZip(path, filename, undefined, LAST_OF_NAME);
  try {
    let first: string | undefined;
    let matching: string | undefined;
    await zip.walk((n) => {
      const m = DIST_INFO_METADATA.exec(n);
      if (m === null) return false;
      first ??= n;
      if (
        matching === undefined &&
        tryCanonicalizeName(m[1]) === name &&
        sameVersion(m[2], version)
      )
        matching = n;
      return false;
    });
    const chosen = matching ?? first;
    if (chosen === undefined) throw noMetadata(filename, "a .dist-info/METADATA");
    return await zip.read(chosen);
  } finally {
    zip.close();
  }
}

// The first top-level PKG-INFO and pyproject.toml count, each at its last entry (as zipfile
// reads a name listed twice), so the whole directory is walked.
async function readZipSdist(
  path: string | Buffer | ChunkedBytes,
  filename: string,
): Promise<Map<string, Buffer>> {
  const zip = await openZip(path, filename, undefined, LAST_OF_NAME);
  try {
    let pkgInfo: string | undefined;
    let pyproject: string | undefined;
    await zip.walk((n) => {
      const m = TOP_LEVEL.exec(n);
      if (m?.[1] === "PKG-INFO") pkgInfo ??= n;
      else if (m !== null) pyproject ??= n;
      return false;
    });
    const members = new Map<string, Buffer>();
    for (const n of [pkgInfo, pyproject]) if (n !== undefined) members.set(n, await zip.read(n));
    return members;
  } finally {
    zip.close();
  }
}

// An unparsable pyproject.toml does not make the sdist unstorable; the build will report it.
function readBuildRequires(bytes: Buffer): string[] | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(bytes.toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const buildSystem = doc["build-system"] as Record<string, unknown> | undefined;
  const requires = buildSystem?.requires;
  if (!Array.isArray(requires)) return undefined;
  return requires.filter((r): r is string => typeof r === "string");
}
