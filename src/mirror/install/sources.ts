// The only places `wheelhouse install` takes distributions from, as one resolver Provider: the
// store's catalog, flat find-links directories (as pip reads them: every file directly inside),
// find-links URLs (an HTML page of links such as `wheelhouse serve`'s /links/), files named by
// requirements (the only candidate for their project), and the distributions already installed
// (source "installed", so the resolver keeps them).
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-f (find-links semantics),
// https://packaging.python.org/en/latest/specifications/simple-repository-api/ (link pages)
// Traps:
// - Never an index and never the upstream client: the install path must work air-gapped, and a
//   test scans its imports. Pages and files come through ./fetch-links.ts (the HTTP layer,
//   loaded at the first URL).
// - Local files have no stated sha256; it is computed only when hashes are asked for.
// - A file may exist in several sources; the first source in order (store, then find-links in
//   the order given) wins for the same filename, as the bytes are then the same wheel anyway.

import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type CoreMetadata,
  parseCoreMetadata,
  unboundRequiresDist,
} from "../../pep/core-metadata.js";
import { quote, quotedReason, WheelhouseError } from "../../pep/errors.js";
import { parseDistributionFilename } from "../../pep/filename.js";
import { canonicalizeName } from "../../pep/names.js";
import { hashFile } from "../../store/blobs.js";
import type { Store } from "../../store/store.js";
import type { DirectFile } from "../direct-references.js";
import {
  type CandidateFile,
  type CandidateMetadata,
  candidateMetadata,
  type Provider,
} from "../resolve/provider.js";
import { redactUrl } from "../url-credentials.js";
import { type FindLinksFetcher, type FindLinksNetwork, findLinksFetcher } from "./fetch-links.js";
import type { InstalledDistribution } from "./installed.js";
import { builtWheelMetadata, readWheelMetadata } from "./wheel-metadata.js";
import { type OpenWheel, openWheel } from "./wheel-zip.js";

/** Where install may look. */
export interface LocalSources {
  /** The store, unless --no-store. */
  store?: Store;
  /** --find-links values: directories (or paths of single files) and http(s) URLs. */
  findLinks: string[];
  /**
   * Canonical name -> the file a requirement named (./x.whl, name @ file:..., name @ https:...):
   * the only candidate offered for that project besides what is installed. A local one (`path`)
   * is offered from where it is; one named by URL (never fetched) is the file of that name in
   * the store or the --find-links locations.
   */
  directFiles?: Map<string, DirectFile>;
  /** Distributions already in the environment (offered as source "installed"). */
  installed?: InstalledDistribution[];
  /** Compute sha256 of local files (for --hash / --require-hashes). */
  hashLocalFiles?: boolean;
  /** Where downloaded files go (a temp dir owned by the caller). */
  downloadDir: string;
  /**
   * --no-deps (the resolver does not follow Requires-Dist): an sdist is not built just to learn
   * dependencies nobody reads.
   */
  noDeps?: boolean;
  /**
   * Told whenever the metadata of a distribution that is not installed has been read, with the
   * local path of its bytes when they are on disk: it is likely to be installed (the installer
   * starts its writer threads and stages the wheel then; see ./early-staging.ts).
   */
  onCandidateRead?: (file: CandidateFile, path: string | undefined) => void;
  /**
   * Build the wheel of an sdist (`project`: its canonical name), once per file: asked for when
   * the sdist's PKG-INFO does not bind its dependencies (PEP 643), whose wheel's METADATA then
   * stands in for it, as pip builds such an sdist's metadata. Without it, PKG-INFO is taken.
   */
  buildSdist?: (
    project: string,
    file: CandidateFile,
  ) => Promise<{ path: string; filename: string }>;
  /** Told of a find-links URL skipped (unreachable, or an HTTP error other than 401/403). */
  onWarning?: (message: string) => void;
  /** How find-links URLs are reached (--proxy, --cert, --client-cert, --retries, --timeout). */
  network?: FindLinksNetwork;
}

interface Located {
  file: CandidateFile;
  /** A local path, when the file is on disk already. */
  path?: string;
  /** PEP 658 metadata URL offered by a link page. */
  metadataUrl?: string;
  /** The store's core metadata blob of the file. */
  metadataPath?: string;
  installed?: InstalledDistribution;
}

/** A Provider over {@link LocalSources} that can also hand out a local path of each file. */
export class LocalProvider implements Provider {
  private byProject?: Promise<Map<string, Located[]>>;
  private readonly byUrl = new Map<string, Located>();
  private readonly metadata = new Map<string, Promise<CandidateMetadata>>();
  /** File URL -> the whole core metadata read for it (see coreMetadata()). */
  private readonly full = new Map<string, CoreMetadata>();
  private readonly downloads = new Map<string, Promise<string>>();
  /** Wheels opened for their metadata, kept for installing: local path -> wheel. */
  private readonly opened = new Map<string, OpenWheel>();
  private openedBytes = 0;
  /** Local path -> sha256 of the bytes kept for it, hashed in memory (see hashLocal). */
  private readonly hashed = new Map<string, string>();
  private readonly fetcher: FindLinksFetcher;
  /** Quarantined projects already warned of. */
  private readonly quarantineWarned = new Set<string>();

  constructor(private readonly sources: LocalSources) {
    this.fetcher = findLinksFetcher(sources.network);
  }

  async listFiles(project: string): Promise<CandidateFile[]> {
    const direct = this.sources.directFiles?.get(project);
    const directPath = direct?.path;
    const all = (await this.index()).get(project) ?? [];
    const located =
      direct === undefined
        ? all
        : directPath !== undefined
          ? [...all.filter((l) => l.installed !== undefined), this.direct(directPath)]
          : all.filter((l) => l.installed !== undefined || l.file.filename === direct.filename);
    const out: CandidateFile[] = [];
    for (const l of located) {
      if (this.sources.hashLocalFiles && l.file.sha256 === undefined && l.path) {
        l.file.sha256 = await this.hashLocal(l.file, l.path);
      }
      out.push(l.file);
    }
    if (this.sources.store && directPath === undefined) {
      // Imported here: the catalog's SQLite binding is not loaded for find-links-only installs.
      const { listFiles: listStoreFiles } = await import("../../store/queries.js");
      const { blobPath } = await import("../../store/store.js");
      const { projectStatus } = await import("../../store/project-status.js");
      const status = projectStatus(this.sources.store, project);
      const stored =
        status?.status === "quarantined" ? [] : listStoreFiles(this.sources.store, project);
      if (status?.status === "quarantined" && !this.quarantineWarned.has(project)) {
        this.quarantineWarned.add(project);
        this.sources.onWarning?.(
          `project "${project}" is quarantined in the store${quotedReason(status.reason)}: none of its stored files is used`,
        );
      }
      for (const f of stored) {
        const path = blobPath(this.sources.store, f.sha256);
        const file: CandidateFile = {
          filename: f.filename,
          url: pathToFileURL(path).href,
          sha256: f.sha256,
          size: f.size,
          requiresPython: f.requiresPython,
          yanked: f.yanked,
          uploadTime: f.uploadTime,
          source: "store",
          hasCoreMetadata: true,
        };
        // Its core metadata blob is read when the resolver asks for it (readMetadata).
        const metadataPath = blobPath(this.sources.store, f.metadataSha256);
        if (direct !== undefined && f.filename !== direct.filename) continue;
        if (!this.byUrl.has(file.url)) this.byUrl.set(file.url, { file, path, metadataPath });
        if (!out.some((o) => o.filename === f.filename && o.source !== "installed")) {
          out.unshift(file);
        }
      }
    }
    if (direct !== undefined && out.length === 0) throw this.notAtHand(direct);
    return out;
  }

  getMetadata(file: CandidateFile): Promise<CandidateMetadata> {
    let pending = this.metadata.get(file.url);
    if (!pending) {
      pending = this.readMetadata(file);
      this.metadata.set(file.url, pending);
    }
    return pending;
  }

  /** A local path holding the file's bytes (downloading a find-links URL file once). */
  localPath(file: CandidateFile): Promise<string> {
    const located = this.byUrl.get(file.url);
    if (located?.path) return Promise.resolve(located.path);
    let pending = this.downloads.get(file.url);
    if (!pending) {
      pending = this.fetcher.downloadFile(file.url, file.filename, this.sources.downloadDir, {
        label: file.filename,
        ...(file.sha256 !== undefined ? { sha256: file.sha256 } : {}),
        ...(file.hashes !== undefined ? { hashes: file.hashes } : {}),
      });
      this.downloads.set(file.url, pending);
    }
    return pending;
  }

  /** The installed distribution behind a file of source "installed". */
  installedFor(file: CandidateFile): InstalledDistribution | undefined {
    return this.byUrl.get(file.url)?.installed;
  }

  private async readMetadata(file: CandidateFile): Promise<CandidateMetadata> {
    const located = this.byUrl.get(file.url);
    if (located?.installed) return readMetadataFile(join(located.installed.distInfo, "METADATA"));
    let metadata: CandidateMetadata;
    let path = located?.path;
    if (located?.metadataPath)
      metadata = await this.candidateOf(
        file,
        parseCoreMetadata(readFileSync(located.metadataPath, "utf8")),
      );
    else if (located?.metadataUrl)
      metadata = await this.candidateOf(
        file,
        parseCoreMetadata((await this.fetcher.fetchText(located.metadataUrl)).text),
      );
    else {
      path = await this.localPath(file);
      metadata = await this.readFileMetadata(file, path);
    }
    this.sources.onCandidateRead?.(file, path);
    return metadata;
  }

  /** The core metadata inside the distribution at `path` (a wheel is kept open for installing). */
  private async readFileMetadata(file: CandidateFile, path: string): Promise<CandidateMetadata> {
    const held = this.opened.get(path);
    if (held !== undefined)
      return this.remember(file, await readWheelMetadata(held, file.filename));
    if (file.filename.endsWith(".whl")) {
      const zip = await openWheel(path, file.filename);
      let kept = false;
      try {
        const metadata = await readWheelMetadata(zip, file.filename);
        kept = this.keep(path, zip);
        return this.remember(file, metadata);
      } finally {
        if (!kept) zip.close();
      }
    }
    const { inspectDistribution } = await import("../../store/inspect.js");
    return this.candidateOf(file, (await inspectDistribution(path, file.filename)).metadata);
  }

  /**
   * What the resolver is told of `file` whose core metadata is `metadata`: a wheel's METADATA as
   * it is; an sdist's PKG-INFO when that binds its dependencies, else (given a builder) the
   * METADATA of the wheel it builds, which must have the same name and version.
   * @throws the builder's errors; WheelhouseError "METADATA_MISMATCH" when the wheel built is
   *   of another project or version than the sdist says.
   */
  private async candidateOf(
    file: CandidateFile,
    pkgInfo: CoreMetadata,
  ): Promise<CandidateMetadata> {
    const build = this.sources.buildSdist;
    // A wheel's METADATA always binds; with --no-deps the dependencies are not used.
    if (
      file.filename.endsWith(".whl") ||
      build === undefined ||
      this.sources.noDeps ||
      unboundRequiresDist(pkgInfo) === undefined
    )
      return this.remember(file, pkgInfo);
    const wheel = await build(canonicalizeName(pkgInfo.name, { validate: false }), file);
    return this.remember(file, await builtWheelMetadata(file.filename, pkgInfo, wheel));
  }

  /** Keep `metadata` whole for {@link coreMetadata}; the resolver's part of it. */
  private remember(file: CandidateFile, metadata: CoreMetadata): CandidateMetadata {
    this.full.set(file.url, metadata);
    return candidateMetadata(metadata);
  }

  /**
   * The whole core metadata the resolver's answer for `file` came from (an sdist's PKG-INFO, or
   * the METADATA of the wheel built from it), once getMetadata has read it; undefined before,
   * and for installed distributions.
   */
  coreMetadata(file: CandidateFile): CoreMetadata | undefined {
    return this.full.get(file.url);
  }

  /**
   * The wheel at `path` as it was opened to read its core metadata, or undefined (not opened,
   * streamed from disk, or over the memory budget). The caller owns it and closes it.
   */
  takeOpenWheel(path: string): OpenWheel | undefined {
    const zip = this.opened.get(path);
    if (zip === undefined) return undefined;
    this.opened.delete(path);
    this.openedBytes -= zip.memoryBytes;
    return zip;
  }

  /** Close the wheels kept for installing that nobody took, and any find-links connections. */
  async close(): Promise<void> {
    for (const zip of this.opened.values()) zip.close();
    this.opened.clear();
    this.openedBytes = 0;
    await this.fetcher.close().catch(() => undefined);
  }

  /**
   * sha256 (hex) of the bytes installing `path` will use: those of a wheel kept in memory since
   * it was hashed (see hashLocal), whether still kept or taken since; undefined when the file will
   * be read again from disk (and must then be hashed again).
   */
  heldDigest(path: string): string | undefined {
    return this.hashed.get(path);
  }

  /**
   * sha256 (hex) of a local file, for --hash and --require-hashes. A wheel is read once: hashed
   * in memory and kept open for reading its metadata and installing it, so that the bytes
   * installed are the bytes hashed; anything else (or past KEPT_BYTES) is hashed from disk.
   */
  private async hashLocal(file: CandidateFile, path: string): Promise<string> {
    const known = this.hashed.get(path);
    if (known !== undefined) return known;
    if (file.filename.endsWith(".whl")) {
      // A damaged wheel is hashed from disk here; reading its metadata reports the damage.
      const zip = await openWheel(path, file.filename).catch(() => undefined);
      const digest = zip?.sha256();
      if (zip !== undefined && digest !== undefined) {
        // Past KEPT_BYTES it is not held: installing reads it again, and hashes it again.
        if (this.hold(path, zip)) this.hashed.set(path, digest);
        else zip.close();
        return digest;
      }
      zip?.close();
    }
    return (await hashFile(path)).sha256;
  }

  /**
   * Keep an opened wheel for takeOpenWheel(): installing it then neither reads the file nor walks
   * its zip directory again. Not when the files are hashed (the bytes installed must be the bytes
   * hashed: hashLocal keeps those), nor past KEPT_BYTES in memory.
   */
  private keep(path: string, zip: OpenWheel): boolean {
    return !this.sources.hashLocalFiles && this.hold(path, zip);
  }

  /** Keep `zip` for `path` when it is in memory and KEPT_BYTES allows. */
  private hold(path: string, zip: OpenWheel): boolean {
    if (zip.memoryBytes === 0 || this.opened.has(path)) return false;
    if (this.openedBytes + zip.memoryBytes > KEPT_BYTES) return false;
    this.opened.set(path, zip);
    this.openedBytes += zip.memoryBytes;
    return true;
  }

  /**
   * The links of the find-links page at `url`; none, with a warning, when it cannot be fetched
   * (pip skips such a location too and resolves with the rest). Refused credentials still fail.
   */
  private async scanPageOrSkip(url: string): Promise<Located[]> {
    try {
      return await scanPage(url, this.fetcher);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "FIND_LINKS_UNREACHABLE" && code !== "FIND_LINKS_HTTP_ERROR") throw error;
      this.sources.onWarning?.(`${(error as Error).message}; skipped, as pip skips it`);
      return [];
    }
  }

  /** The error for a file a requirement named by URL that no local source holds. */
  private notAtHand(direct: DirectFile): WheelhouseError {
    const store = this.sources.store !== undefined;
    const links = this.sources.findLinks.length > 0;
    const which =
      store && links
        ? "neither the store nor the --find-links locations hold"
        : store
          ? "the store does not hold"
          : links
            ? "the --find-links locations do not hold"
            : "no local source holds";
    return new WheelhouseError(
      "DIRECT_REFERENCE_NOT_FOUND",
      `requirement ${quote(direct.requirement)} names ${quote(direct.filename)}, which ${which} (no URL is downloaded here)`,
      {
        hint: `fetch it into the store where the URL is reachable (wheelhouse sync '${direct.requirement}'), or download the file and give its path or a --find-links location holding it`,
      },
    );
  }

  /** The file a requirement named, found again by its URL like any other candidate. */
  private direct(path: string): Located {
    const url = pathToFileURL(path).href;
    let l = this.byUrl.get(url);
    if (l === undefined) {
      l = located(path, path);
      this.byUrl.set(url, l);
    }
    return l;
  }

  private index(): Promise<Map<string, Located[]>> {
    this.byProject ??= this.scan();
    return this.byProject;
  }

  private async scan(): Promise<Map<string, Located[]>> {
    const all: Located[] = [];
    for (const d of this.sources.installed ?? []) {
      const filename = `${d.name.replace(/-/g, "_")}-${d.version}-py3-none-any.whl`;
      all.push({
        file: {
          filename,
          url: pathToFileURL(d.distInfo).href,
          yanked: false,
          source: "installed",
        },
        installed: d,
      });
    }
    for (const location of this.sources.findLinks) {
      if (/^https?:\/\//i.test(location)) all.push(...(await this.scanPageOrSkip(location)));
      else all.push(...(await scanDirectory(location)));
    }
    const map = new Map<string, Located[]>();
    for (const l of all) {
      let name: string;
      try {
        name = parseDistributionFilename(l.file.filename).name;
      } catch {
        continue; // not a distribution: pip skips such links too
      }
      const list = map.get(name) ?? [];
      if (!list.some((o) => o.file.filename === l.file.filename && o.file.source !== "installed")) {
        list.push(l);
        this.byUrl.set(l.file.url, l);
      }
      map.set(name, list);
    }
    return map;
  }
}

async function scanDirectory(location: string): Promise<Located[]> {
  const dir = resolvePath(location.startsWith("file:") ? new URL(location).pathname : location);
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") {
      const path = dir;
      if (/\.html?$/i.test(path)) return scanLocalPage(path);
      return [located(path, pathToFileURL(path).href.replace(/\/[^/]*$/, ""))];
    }
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new WheelhouseError(
        "FIND_LINKS_NOT_FOUND",
        `find-links location ${quote(location)} does not exist`,
        { hint: "check the path given to -f/--find-links (or the -f line of a requirements file)" },
      );
    }
    throw error;
  }
  const files = names.sort().map((n) => located(join(dir, n), dir));
  // pip also reads the links of the .html pages in a find-links folder.
  for (const n of names.filter((n) => /\.html?$/i.test(n))) {
    files.push(...(await scanLocalPage(join(dir, n))));
  }
  return files;
}

/**
 * The links of a local HTML page given to -f (or found in a -f folder), as pip reads it: links
 * to local files are used in place, http(s) links are downloaded when chosen.
 */
async function scanLocalPage(path: string): Promise<Located[]> {
  const { parseLinksHtml } = await import("../../pep/simple-html.js");
  const page = parseLinksHtml(await readFile(path, "utf8"), pathToFileURL(path).href);
  return page.map((f) => {
    const local = f.url.startsWith("file:");
    return {
      file: {
        filename: f.filename,
        url: f.url,
        ...(f.hashes.sha256 !== undefined ? { sha256: f.hashes.sha256 } : {}),
        hashes: f.hashes,
        yanked: f.yanked,
        source: path,
      },
      ...(local ? { path: fileURLToPath(f.url) } : {}),
    };
  });
}

function located(path: string, source: string): Located {
  return {
    file: {
      filename: path.split(/[\\/]/).pop()!,
      url: pathToFileURL(path).href,
      yanked: false,
      source,
    },
    path,
  };
}

async function scanPage(url: string, fetcher: FindLinksFetcher): Promise<Located[]> {
  // Imported only for link pages: the HTML parser is a large share of start-up.
  const { parseLinksHtml } = await import("../../pep/simple-html.js");
  const fetched = await fetcher.fetchText(url);
  const page = parseLinksHtml(fetched.text, fetched.url);
  return page.map((f) => ({
    file: {
      filename: f.filename,
      url: f.url,
      sha256: f.hashes.sha256,
      hashes: f.hashes,
      size: f.size,
      requiresPython: f.requiresPython,
      yanked: f.yanked,
      source: redactUrl(url),
      hasCoreMetadata: f.coreMetadata !== false,
    },
    metadataUrl: f.coreMetadata !== false ? `${f.url}.metadata` : undefined,
  }));
}

/**
 * Memory the opened wheels kept for installing may hold, in bytes: a closure's wheels are
 * mostly small, and one past this is simply read again when it is installed.
 */
const KEPT_BYTES = 128 * 1024 * 1024;

/** A core metadata file (a few kB), read at once: fs.promises costs four thread-pool hops. */
function readMetadataFile(path: string): CandidateMetadata {
  return candidateMetadata(parseCoreMetadata(readFileSync(path, "utf8")));
}

/** Canonical project name of a distribution filename, or undefined. */
export function projectOf(filename: string): string | undefined {
  try {
    return canonicalizeName(parseDistributionFilename(filename).name);
  } catch {
    return undefined;
  }
}
