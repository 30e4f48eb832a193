// Inspect a distribution file: parse its filename, find its core metadata (a wheel's
// `<name>-<version>.dist-info/METADATA`, an sdist's top-level `PKG-INFO`), keep the exact bytes
// (served byte-identical as the PEP 658 file) and check them against the filename.
// Specs: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
//        https://packaging.python.org/en/latest/specifications/source-distribution-format/
//        https://peps.python.org/pep-0658/
// Traps:
// - The dist-info folder name may differ in case or separators from the filename (old wheels):
//   match it after normalization, and prefer the one that matches when several exist.
// - Old sdists carry versions that are not PEP 440; they are then compared verbatim.
// - An sdist's PKG-INFO is the one directly under the single top folder; deeper ones
//   (`src/x.egg-info/PKG-INFO`) are not it.

import { parse as parseToml } from "smol-toml";
import { type CoreMetadata, parseCoreMetadata } from "../pep/core-metadata.js";
import { quote, WheelhouseError } from "../pep/errors.js";
import { parseDistributionFilename } from "../pep/filename.js";
import { canonicalizeName } from "../pep/names.js";
import { normalizeVersion } from "../pep/version.js";
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
  /** Normalized version (PEP 440), or the metadata's verbatim when it is not PEP 440. */
  version: string;
  /** Exact bytes of METADATA / PKG-INFO. */
  metadataBytes: Buffer;
  metadata: CoreMetadata;
  /** Wheels: the expanded compatibility tags of the filename, e.g. ["py3-none-any"]. */
  tags?: string[];
  /** Sdists: `[build-system].requires` of pyproject.toml; undefined without file, table or valid TOML. */
  buildRequires?: string[];
}

const DIST_INFO_METADATA = /^([^/]+)-([^/-]+)\.dist-info\/METADATA$/;
const TOP_LEVEL = /^[^/]+\/(PKG-INFO|pyproject\.toml)$/;

function tryNormalizeVersion(v: string): string {
  try {
    return normalizeVersion(v);
  } catch {
    return v;
  }
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
  bytes: Buffer,
  filename: string,
): Promise<InspectedDistribution> {
  return inspectSource(bytes, filename);
}

async function inspectSource(
  path: string | Buffer,
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
            path,
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
  const version = tryNormalizeVersion(metadata.version);
  if (name !== parsed.name || version !== tryNormalizeVersion(parsed.version)) {
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
    version,
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

// Stops at the first dist-info whose name and version match the filename's; without one, the
// first `*.dist-info/METADATA` is read (and then fails the name/version check).
async function readWheelMetadata(
  path: string | Buffer,
  filename: string,
  name: string,
  version: string,
): Promise<Buffer> {
  const zip = await openZip(path, filename);
  try {
    const wanted = tryNormalizeVersion(version);
    let first: string | undefined;
    let matching: string | undefined;
    await zip.walk((n) => {
      const m = DIST_INFO_METADATA.exec(n);
      if (m === null) return false;
      first ??= n;
      if (tryCanonicalizeName(m[1]) !== name || tryNormalizeVersion(m[2]) !== wanted) return false;
      matching = n;
      return true;
    });
    const chosen = matching ?? first;
    if (chosen === undefined) throw noMetadata(filename, "a .dist-info/METADATA");
    return await zip.read(chosen);
  } finally {
    zip.close();
  }
}

// Only the first top-level PKG-INFO and pyproject.toml count: the walk stops once both are found.
async function readZipSdist(path: string | Buffer, filename: string): Promise<Map<string, Buffer>> {
  const zip = await openZip(path, filename);
  try {
    let pkgInfo: string | undefined;
    let pyproject: string | undefined;
    await zip.walk((n) => {
      const m = TOP_LEVEL.exec(n);
      if (m?.[1] === "PKG-INFO") pkgInfo ??= n;
      else if (m !== null) pyproject ??= n;
      return pkgInfo !== undefined && pyproject !== undefined;
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
