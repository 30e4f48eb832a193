// Learn the core metadata of a distribution file as cheaply as possible: 1) the PEP 658
// `<url>.metadata` file when the index offers it (hash checked), 2) for wheels, Range requests on
// the zip's central directory and the METADATA member, 3) else the whole file, downloaded to a
// temporary file (hash checked) and inspected. What was learnt is kept for the run, and on disk
// (keyed by the file's sha256) when a cache directory is given and the caller settles.
// Specs: https://peps.python.org/pep-0658/ , https://peps.python.org/pep-0714/ ,
// https://packaging.python.org/en/latest/specifications/core-metadata/ , PEP 517/518 (build reqs)
// Traps:
// - The `.metadata` URL is the file URL plus ".metadata" (PEP 658), not a sibling path.
// - The advertised hash may use any hashlib name; every name Node knows is checked.
// - An index that advertises `.metadata` but answers 404 (seen with stale mirrors) gets the next
//   method instead of failing the run.
// - A server that ignores Range is remembered per origin, so only its first file pays the probe.
// - Sdists need the whole file anyway for [build-system].requires; one download serves both.
// - The disk cache is listed once per fetcher and its directory made once: a fresh cache then
//   costs no failed open per lookup and no mkdir per write (both sit on the resolver's path).
//   Cache writes go through a temporary name (a torn METADATA could parse with lines missing).
// - What is learnt reaches the disk only in settle(), once the caller knows which entries are
//   worth a file: a sync keeps no cache entry for a file its store now holds (the store's
//   metadata blob answers the next run through `known`), which spared 120 file creations in
//   the run's busiest stretch (bench:sync's generated closure).

import { createHash, getHashes, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CoreMetadata, parseCoreMetadata } from "../../pep/core-metadata.js";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { canonicalizeName } from "../../pep/names.js";
import { inspectDistribution } from "../../store/inspect.js";
import type { HttpClient } from "../http/http-client.js";
import { redactUrl } from "../http/http-errors.js";
import { downloadToFile } from "./download.js";
import { readRemoteZipMember } from "./range-zip.js";

/** The file whose metadata is wanted (a DistributionFile has all of these). */
export interface MetadataTarget {
  filename: string;
  url: string;
  /** Hex sha256 of the file itself, when known (download check and disk cache key). */
  sha256?: string;
  size?: number;
  /** PEP 658/714: false, or the hashes of `<url>.metadata` ({} when offered without a hash). */
  coreMetadata: false | Record<string, string>;
}

/** How the metadata was obtained, for logs and tests. */
export type MetadataVia = "pep658" | "range" | "download" | "local" | "disk-cache" | "known";

export interface FetchedMetadata {
  /** Exact METADATA / PKG-INFO bytes. */
  metadataBytes: Buffer;
  metadata: CoreMetadata;
  /** Sdists read whole: `[build-system].requires`; undefined when absent or not read. */
  buildRequires?: string[];
  /** Sdists: true once the archive itself was read, so `buildRequires` is final. */
  buildRequiresKnown?: boolean;
  via: MetadataVia;
}

export interface MetadataFetcherOptions {
  http: HttpClient;
  /** Directory for a persistent cache keyed by sha256 (created on demand). */
  cacheDir?: string;
  /** Where whole files are downloaded for inspection (default the OS temp dir). */
  tmpDir?: string;
  /**
   * Told of each whole file downloaded (and verified) to read its metadata, before the download
   * is deleted, so a caller that needs the file anyway (sync) keeps it instead of fetching it
   * again. Its failures are ignored: the caller can still fetch the file later.
   */
  onArchive?: (file: MetadataTarget, path: string) => Promise<void>;
  /**
   * The exact METADATA bytes the caller already holds for `file` (a sync: the store's metadata
   * blob of a file it keeps), tried before the disk cache and the network; undefined when none.
   */
  known?: (file: MetadataTarget) => Promise<Buffer | undefined>;
}

export interface MetadataFetcher {
  /**
   * Core metadata of `file`, by the cheapest method available; cached.
   * @throws WheelhouseError "HASH_MISMATCH" (the `.metadata` or the file), "INVALID_METADATA",
   *   "METADATA_MISMATCH", "NO_METADATA", "CORRUPT_ARCHIVE", and the HTTP client's errors.
   */
  fetchMetadata(file: MetadataTarget): Promise<FetchedMetadata>;
  /**
   * `[build-system].requires` of an sdist (undefined when it has no pyproject.toml or no such
   * table: the caller applies the PEP 517 fallback). Reads the whole archive once; cached.
   */
  fetchBuildRequires(file: MetadataTarget): Promise<string[] | undefined>;
  /**
   * Write what was learnt since the last settle to the disk cache (the entries `keep` accepts;
   * all by default) and resolve once every cache write has ended. Never rejects: a cache write
   * that fails is skipped.
   */
  settle(keep?: (file: MetadataTarget) => boolean): Promise<void>;
}

const SUPPORTED_HASHES = new Set(getHashes().map((h) => h.toLowerCase()));

function parseMetadata(bytes: Buffer, filename: string): CoreMetadata {
  try {
    return parseCoreMetadata(bytes.toString("utf8"));
  } catch (error) {
    if (!(error instanceof WheelhouseError)) throw error;
    throw new WheelhouseError(error.code, `${quote(filename)}: ${error.message}`, {
      cause: error,
      hint: error.hint,
    });
  }
}

/** Check the project name in a wheel's metadata against its filename (first dash-segment). */
function checkWheelName(metadata: CoreMetadata, filename: string): void {
  const fromFile = filename.split("-")[0];
  let same: boolean;
  try {
    same = canonicalizeName(metadata.name) === canonicalizeName(fromFile);
  } catch {
    same = false;
  }
  if (!same) {
    throw new WheelhouseError(
      "METADATA_MISMATCH",
      `${quote(filename)} says ${quote(fromFile)} in its filename but ${quote(metadata.name)} in its core metadata`,
      { hint: "the index serves a file under a wrong name; report it to the index owner" },
    );
  }
}

/** Pick `<name>-<version>.dist-info/METADATA` matching the wheel's name, at the top level. */
export function pickWheelMetadata(names: string[], filename: string): string | undefined {
  const candidates = names.filter((n) => /^[^/]+\.dist-info\/METADATA$/.test(n));
  if (candidates.length <= 1) return candidates[0];
  const want = filename
    .split("-")[0]
    .replace(/[-_.]+/g, "-")
    .toLowerCase();
  return (
    candidates.find(
      (n) =>
        n
          .split("-")[0]
          .replace(/[-_.]+/g, "-")
          .toLowerCase() === want,
    ) ?? candidates[0]
  );
}

function verifyMetadataHashes(bytes: Buffer, file: MetadataTarget, url: string): void {
  if (file.coreMetadata === false) return;
  for (const [name, expected] of Object.entries(file.coreMetadata)) {
    if (!SUPPORTED_HASHES.has(name)) continue;
    const actual = createHash(name).update(bytes).digest("hex");
    if (actual !== expected.toLowerCase()) {
      throw new WheelhouseError(
        "HASH_MISMATCH",
        `core metadata of ${quote(file.filename)} from ${quote(redactUrl(url))} has ${name} ${actual}, expected ${expected}`,
        { hint: "the index serves a .metadata file that does not match what it advertises" },
      );
    }
  }
}

/** Write `data` to `path` through a temporary name beside it, so readers see all or nothing. */
async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Create a fetcher; its memory cache lives as long as it does. */
export function createMetadataFetcher(options: MetadataFetcherOptions): MetadataFetcher {
  const { http } = options;
  const memory = new Map<string, Promise<FetchedMetadata>>();
  const noRange = new Set<string>();
  const keyOf = (file: MetadataTarget) => file.sha256 ?? file.url;
  const writes = new Set<Promise<unknown>>();
  /** Learnt from the network since the last settle(), not yet on disk. */
  let learnt: { file: MetadataTarget; result: FetchedMetadata }[] = [];

  const diskPath = (file: MetadataTarget, ext: string) =>
    options.cacheDir && file.sha256 ? join(options.cacheDir, `${file.sha256}${ext}`) : undefined;
  // The cache's file names when this fetcher first looked (none when it does not exist yet).
  let listing: Promise<Set<string>> | undefined;
  let made: Promise<unknown> | undefined;

  async function fromDisk(file: MetadataTarget): Promise<FetchedMetadata | undefined> {
    const path = diskPath(file, ".metadata");
    if (path === undefined || options.cacheDir === undefined) return undefined;
    listing ??= readdir(options.cacheDir).then(
      (names) => new Set(names),
      () => new Set<string>(),
    );
    if (!(await listing).has(`${file.sha256}.metadata`)) return undefined;
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes === undefined) return undefined;
    const result: FetchedMetadata = {
      metadataBytes: bytes,
      metadata: parseMetadata(bytes, file.filename),
      via: "disk-cache",
    };
    const build = await readFile(diskPath(file, ".build.json")!, "utf8").catch(() => undefined);
    if (build !== undefined) {
      const parsed = JSON.parse(build) as { requires: string[] | null };
      result.buildRequiresKnown = true;
      if (parsed.requires !== null) result.buildRequires = parsed.requires;
    }
    return result;
  }

  async function toDisk(file: MetadataTarget, result: FetchedMetadata): Promise<void> {
    const path = diskPath(file, ".metadata");
    if (path === undefined || options.cacheDir === undefined) return;
    made ??= mkdir(options.cacheDir, { recursive: true });
    await made;
    // Write then rename: a torn METADATA can still parse (with Requires-Dist lines missing).
    // The build requirements go first, so a METADATA on disk always has its companion.
    if (result.buildRequiresKnown) {
      const requires = result.buildRequires ?? null;
      await writeAtomically(diskPath(file, ".build.json")!, JSON.stringify({ requires }));
    }
    await writeAtomically(path, result.metadataBytes);
  }

  async function viaPep658(file: MetadataTarget): Promise<FetchedMetadata | undefined> {
    if (file.coreMetadata === false || /^file:/i.test(file.url)) return undefined;
    const url = `${file.url}.metadata`;
    const res = await http.fetchBytes(url, { allowStatus: [404] });
    if (res.status === 404) return undefined;
    verifyMetadataHashes(res.bytes, file, url);
    const metadata = parseMetadata(res.bytes, file.filename);
    if (file.filename.endsWith(".whl")) checkWheelName(metadata, file.filename);
    return { metadataBytes: res.bytes, metadata, via: "pep658" };
  }

  async function viaRange(file: MetadataTarget): Promise<FetchedMetadata | undefined> {
    if (!file.filename.endsWith(".whl") || /^file:/i.test(file.url)) return undefined;
    const origin = new URL(file.url).origin;
    if (noRange.has(origin)) return undefined;
    try {
      const got = await readRemoteZipMember(http, file.url, file.filename, (names) =>
        pickWheelMetadata(names, file.filename),
      );
      const metadata = parseMetadata(got.bytes, file.filename);
      checkWheelName(metadata, file.filename);
      return { metadataBytes: got.bytes, metadata, via: "range" };
    } catch (error) {
      if (error instanceof WheelhouseError && error.code === "RANGE_UNSUPPORTED") {
        noRange.add(origin);
        return undefined;
      }
      throw error;
    }
  }

  async function viaArchive(file: MetadataTarget): Promise<FetchedMetadata> {
    if (/^file:/i.test(file.url)) {
      const inspected = await inspectDistribution(fileURLToPath(file.url), file.filename);
      return { ...inspected, buildRequiresKnown: true, via: "local" };
    }
    await mkdir(options.tmpDir ?? tmpdir(), { recursive: true });
    const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), "wh-meta-"));
    try {
      const path = join(dir, "download");
      await downloadToFile(http, file, path);
      const inspected = await inspectDistribution(path, file.filename);
      await options.onArchive?.(file, path).catch(() => undefined);
      return { ...inspected, buildRequiresKnown: true, via: "download" };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function fromCaller(file: MetadataTarget): Promise<FetchedMetadata | undefined> {
    const bytes = await options.known?.(file).catch(() => undefined);
    if (bytes === undefined) return undefined;
    return { metadataBytes: bytes, metadata: parseMetadata(bytes, file.filename), via: "known" };
  }

  async function learn(file: MetadataTarget): Promise<FetchedMetadata> {
    const held = (await fromCaller(file)) ?? (await fromDisk(file).catch(() => undefined));
    if (held) return held;
    const result = (await viaPep658(file)) ?? (await viaRange(file)) ?? (await viaArchive(file));
    if (diskPath(file, ".metadata") !== undefined) learnt.push({ file, result });
    return result;
  }

  function remember(key: string, promise: Promise<FetchedMetadata>): Promise<FetchedMetadata> {
    memory.set(key, promise);
    promise.catch(() => memory.delete(key));
    return promise;
  }

  return {
    fetchMetadata(file) {
      const key = keyOf(file);
      return memory.get(key) ?? remember(key, learn(file));
    },
    async fetchBuildRequires(file) {
      const key = keyOf(file);
      const known = await (memory.get(key) ?? Promise.resolve(undefined)).catch(() => undefined);
      if (known?.buildRequiresKnown) return known.buildRequires;
      const fromCache = await fromDisk(file).catch(() => undefined);
      if (fromCache?.buildRequiresKnown) return fromCache.buildRequires;
      const result = await remember(key, viaArchive(file));
      await toDisk(file, result).catch(() => undefined);
      return result.buildRequires;
    },
    async settle(keep) {
      const due = learnt;
      learnt = [];
      for (const { file, result } of due) {
        if (keep !== undefined && !keep(file)) continue;
        const write = toDisk(file, result).catch(() => undefined);
        writes.add(write);
        write.finally(() => writes.delete(write));
      }
      while (writes.size > 0) await Promise.all(writes);
    },
  };
}
