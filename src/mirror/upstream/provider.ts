// The resolver's Provider over upstream sources: several simple indexes (--index-url, then each
// --extra-index-url) and find-links locations, files merged, metadata fetched lazily with a bound
// on concurrent requests.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/ ;
// the contract is src/mirror/resolve/provider.ts.
// Traps:
// - With --index-strategy first-index (uv's default), a project's files come from the first index
//   that lists any, asked one after the other, extra indexes before --index-url: an internal
//   project's name is then never looked up on the public index, nor can a public upload of the
//   same name (dependency confusion) outbid it. The default stays pip's merge of every index.
// - Same filename from two sources: the first source in order (indexes first, in the order
//   given, then find-links) wins, as the files are meant to be identical; its URL and hash are
//   the ones used.
// - Find-links pages and directories list every project: files are kept when their filename
//   parses to the project asked for; legacy sdist names that do not parse are matched by prefix.
// - Metadata is asked only for files the resolver considers; the concurrency limit keeps a
//   resolver's burst of lookups from opening hundreds of requests.

import { fileURLToPath } from "node:url";
import { parseDistributionFilename } from "../../pep/filename.js";
import type { DistributionFile, ProjectStatus } from "../../pep/simple-types.js";
import { hashFile } from "../../store/blobs.js";
import type { DirectFile } from "../direct-references.js";
import type { HttpClient } from "../http/http-client.js";
import {
  type CandidateFile,
  type CandidateMetadata,
  candidateMetadata,
  DEFAULT_BUILD_REQUIRES,
  type Provider,
} from "../resolve/provider.js";
import { listFindLinks } from "./find-links.js";
import { createIndexClient } from "./index-client.js";
import { createLimit } from "./limit.js";
import { createMetadataFetcher, type FetchedMetadata, type MetadataTarget } from "./metadata.js";

export interface UpstreamProviderOptions {
  http: HttpClient;
  /** Index roots in order of preference: --index-url first, then --extra-index-url values. */
  indexUrls: string[];
  /**
   * How the indexes combine (uv's `--index-strategy`): "unsafe-best-match" (default, pip's
   * behaviour) lists every index's files of a project; "first-index" only those of the first
   * index that knows the project, asking the --extra-index-url values first, in order, then
   * --index-url (uv's order), and no further index once one answers.
   */
  indexStrategy?: IndexStrategy;
  /** --find-links values: http(s) pages, local directories, .html files or file: URLs. */
  findLinks?: string[];
  /** Concurrent metadata lookups (default 8). */
  metadataConcurrency?: number;
  /** Persistent metadata cache directory (keyed by sha256). */
  cacheDir?: string;
  /** Where whole files are downloaded for inspection. */
  tmpDir?: string;
  /** Told of each whole file downloaded to read its metadata (see MetadataFetcherOptions). */
  onArchive?: (file: CandidateFile, path: string) => Promise<void>;
  /** METADATA bytes the caller already holds for a file (see MetadataFetcherOptions.known). */
  known?: (file: MetadataTarget) => Promise<Buffer | undefined>;
  /**
   * Hash-checking is on (`--hash`, `--require-hashes`): local find-links files, whose source
   * states no digest, get the sha256 of their bytes, as pip computes it for such files.
   */
  hashLocalFiles?: boolean;
  /**
   * Told of each index page that states a PEP 792 status other than "active" (`project`: the
   * canonical name asked for, `indexUrl`: the index root), once per page read.
   */
  onProjectStatus?: (project: string, status: ProjectStatus, indexUrl: string) => void;
}

/** See {@link UpstreamProviderOptions.indexStrategy}. */
export type IndexStrategy = "first-index" | "unsafe-best-match";

/** A Provider with the build requirements always available and metadata details for callers. */
export interface UpstreamProvider extends Provider {
  getBuildRequires(file: CandidateFile): Promise<string[]>;
  /** Metadata with its exact bytes and how it was obtained (the sync stores the bytes). */
  getMetadataDetails(file: CandidateFile): Promise<FetchedMetadata>;
  /**
   * Write the metadata learnt so far to the disk cache (the files `keep` accepts) and wait for
   * it; never rejects (see MetadataFetcher.settle).
   */
  settle(keep?: (file: MetadataTarget) => boolean): Promise<void>;
  /**
   * The candidate of a file a requirement named (`name @ url`, a path): the only one of its
   * project (the caller offers it instead of listFiles'). Its sha256 is the URL's `#sha256=`,
   * else `assumedSha256` (the project's one `--hash`, checked when it downloads), else, when
   * hash-checking is on, a local file's own. Once per URL.
   */
  directCandidate(file: DirectFile, assumedSha256?: string): Promise<CandidateFile>;
}

/** True when `filename` is a distribution of `project` (canonical name). */
export function isFileOfProject(filename: string, project: string): boolean {
  try {
    return parseDistributionFilename(filename).name === project;
  } catch {
    // Legacy sdists ("Foo_Bar-1.0-beta.tar.gz"): canonical prefix followed by a version digit.
    const stem = filename.replace(/\.(tar\.gz|tar\.bz2|zip|tgz)$/i, "");
    if (stem === filename) return false;
    const canonical = stem.replace(/[-_.]+/g, "-").toLowerCase();
    return canonical.startsWith(`${project}-`) && /\d/.test(canonical[project.length + 1] ?? "");
  }
}

function toCandidate(file: DistributionFile, source: string): CandidateFile {
  const candidate: CandidateFile = {
    filename: file.filename,
    url: file.url,
    yanked: file.yanked,
    source,
    hasCoreMetadata: file.coreMetadata !== false,
  };
  const { hashes } = file;
  if (hashes.sha256) candidate.sha256 = hashes.sha256.toLowerCase();
  // Most files state only a sha256: the others' copy is made only when there are others.
  for (const name in hashes) {
    if (name !== "sha256") {
      candidate.hashes ??= {};
      candidate.hashes[name] = hashes[name];
    }
  }
  if (file.size !== undefined) candidate.size = file.size;
  if (file.requiresPython !== undefined) candidate.requiresPython = file.requiresPython;
  if (file.uploadTime !== undefined) candidate.uploadTime = file.uploadTime;
  if (typeof file.provenance === "string") candidate.provenance = file.provenance;
  return candidate;
}

/** Create the provider. Close the HTTP client yourself when the run ends. */
export function createUpstreamProvider(options: UpstreamProviderOptions): UpstreamProvider {
  const { http } = options;
  const index = createIndexClient(http);
  const candidates = new Map<string, CandidateFile>();
  const { onArchive } = options;
  const fetcher = createMetadataFetcher({
    http,
    cacheDir: options.cacheDir,
    tmpDir: options.tmpDir,
    ...(options.known ? { known: options.known } : {}),
    ...(onArchive
      ? {
          onArchive: async (target: MetadataTarget, path: string) => {
            const file = candidates.get(target.url);
            if (file !== undefined) await onArchive(file, path);
          },
        }
      : {}),
  });
  const limit = createLimit(options.metadataConcurrency ?? 8);
  const findLinks = new Map<string, Promise<DistributionFile[]>>();
  const originals = new Map<string, DistributionFile>();

  /** sha256 of local files, once each (every target lists the same files). */
  const localDigests = new Map<string, Promise<string | undefined>>();
  function localSha256(url: string): Promise<string | undefined> {
    let digest = localDigests.get(url);
    if (digest === undefined) {
      // An unreadable file keeps no digest: the resolver then says why it cannot check it.
      digest = hashFile(fileURLToPath(url)).then(
        (h) => h.sha256,
        () => undefined,
      );
      localDigests.set(url, digest);
    }
    return digest;
  }

  function listLocation(location: string): Promise<DistributionFile[]> {
    let listing = findLinks.get(location);
    if (listing === undefined) {
      listing = listFindLinks(http, location);
      listing.catch(() => findLinks.delete(location));
      findLinks.set(location, listing);
    }
    return listing;
  }

  function targetOf(file: CandidateFile): MetadataTarget {
    const original = originals.get(file.url);
    return {
      filename: file.filename,
      url: file.url,
      sha256: file.sha256,
      size: file.size,
      coreMetadata: original?.coreMetadata ?? (file.hasCoreMetadata ? {} : false),
    };
  }

  /** The index pages of `project` that count, per the index strategy. */
  function indexFiles(project: string): Promise<{ source: string; files: DistributionFile[] }>[] {
    const page = async (url: string) => {
      const listed = await index.fetchProjectPage(url, project);
      if (listed.status !== undefined && listed.status.status !== "active") {
        options.onProjectStatus?.(project, listed.status, url);
      }
      return { source: url, files: listed.files };
    };
    if (options.indexStrategy !== "first-index" || options.indexUrls.length < 2) {
      return options.indexUrls.map(page);
    }
    const [main, ...extras] = options.indexUrls;
    return [
      (async () => {
        for (const url of [...extras, main]) {
          const listed = await page(url);
          if (listed.files.length > 0) return listed;
        }
        return { source: main, files: [] };
      })(),
    ];
  }

  const directs = new Map<string, Promise<CandidateFile>>();
  function directCandidate(file: DirectFile, assumedSha256?: string): Promise<CandidateFile> {
    let pending = directs.get(file.url);
    if (pending === undefined) {
      pending = (async () => {
        const candidate: CandidateFile = {
          filename: file.filename,
          url: file.url,
          yanked: false,
          source: file.requirement,
          hasCoreMetadata: false,
          direct: true,
        };
        if (file.hashes !== undefined) candidate.hashes = file.hashes;
        const sha256 =
          file.sha256 ??
          assumedSha256 ??
          (options.hashLocalFiles && file.path !== undefined
            ? await localSha256(file.url)
            : undefined);
        if (sha256 !== undefined) candidate.sha256 = sha256;
        candidates.set(candidate.url, candidate);
        return candidate;
      })();
      directs.set(file.url, pending);
    }
    return pending;
  }

  async function getMetadataDetails(file: CandidateFile): Promise<FetchedMetadata> {
    return limit(() => fetcher.fetchMetadata(targetOf(file)));
  }

  return {
    async listFiles(project) {
      const sources = await Promise.all([
        ...indexFiles(project),
        ...(options.findLinks ?? []).map(async (location) => ({
          source: location,
          files: (await listLocation(location)).filter((f) => isFileOfProject(f.filename, project)),
        })),
      ]);
      const seen = new Set<string>();
      const merged: CandidateFile[] = [];
      for (const { source, files } of sources) {
        for (const file of files) {
          if (seen.has(file.filename)) continue;
          seen.add(file.filename);
          originals.set(file.url, file);
          const candidate = toCandidate(file, source);
          candidates.set(candidate.url, candidate);
          merged.push(candidate);
        }
      }
      if (options.hashLocalFiles) {
        await Promise.all(
          merged.map(async (c) => {
            if (c.sha256 !== undefined || !c.url.startsWith("file:")) return;
            const sha256 = await localSha256(c.url);
            if (sha256 !== undefined) c.sha256 = sha256;
          }),
        );
      }
      return merged;
    },
    getMetadataDetails,
    async getMetadata(file): Promise<CandidateMetadata> {
      return candidateMetadata((await getMetadataDetails(file)).metadata);
    },
    async getBuildRequires(file) {
      const requires = await limit(() => fetcher.fetchBuildRequires(targetOf(file)));
      return requires ?? [...DEFAULT_BUILD_REQUIRES];
    },
    settle: (keep) => fetcher.settle(keep),
    directCandidate,
  };
}
