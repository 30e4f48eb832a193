// sync(): requirements -> one resolution per target against the upstream (build requirements of
// chosen sdists included) -> the union of the chosen files planned against the store -> bounded
// concurrent downloads, verified while streaming, one catalog transaction per project -> report.
// Spec background: https://packaging.python.org/en/latest/specifications/simple-repository-api/
// Traps:
// - The targets are resolved concurrently over one provider whose metadata lookups are shared,
//   so a second target costs almost no requests when its files' metadata is the same.
// - Downloads start during resolution: a wheel whose metadata the resolver reads is fetched
//   ahead (see prefetch.ts), so the fetch phase mostly collects what is already staged.
// - A pylock.toml input is not resolved: each package whose marker holds on a target (in the
//   lock-file marker context) contributes all its listed files, verified by their sha256.
// - Each project page read from an index also refreshes the yank state of that project's stored
//   files (PEP 592: a yank may come, change or go after a file was stored); find-links listings
//   state none, so they change nothing.
// - A PEP 792 status an index page states is a warning, and (unless a dry run) is recorded in
//   the store, which serve then states; a project this store quarantined is not even asked for.
// - A PEP 740 provenance the index offers for a chosen file is kept beside it once the file is
//   stored (provenance.ts): optional, so its failures are warnings.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { unboundRequiresDist } from "../../pep/core-metadata.js";
import { canonicalizeName } from "../../pep/names.js";
import { markerEnvironment } from "../../pep/target.js";
import { recordIndexStatus } from "../../store/project-status.js";
import { findFile } from "../../store/queries.js";
import { blobPath, type Store } from "../../store/store.js";
import { refreshYanked, type YankChange } from "../../store/yank.js";
import { takeDirectReferences, withFragmentHashes } from "../direct-references.js";
import { type InstallationReport, installationReport } from "../installation-report.js";
import type { CandidateFile } from "../resolve/provider.js";
import { resolve } from "../resolve/resolve.js";
import { yankedWarnings } from "../resolve/yanked-warning.js";
import { createLimit } from "../upstream/limit.js";
import type { MetadataTarget } from "../upstream/metadata.js";
import { createUpstreamProvider, type UpstreamProvider } from "../upstream/provider.js";
import { fetchFiles } from "./fetch.js";
import { lockedSelection } from "./lockfile.js";
import { planFiles, type TargetSelection } from "./plan.js";
import { createPrefetch, type Prefetch } from "./prefetch.js";
import { fetchProvenances } from "./provenance.js";
import {
  quarantineCheck,
  sharedProvider,
  withDirectFiles,
  withoutQuarantined,
  withPreparedMetadata,
} from "./providers.js";
import { buildReport, projectStatusWarning } from "./report.js";
import type { FileOutcome, ProjectStatusNote, SyncOptions, SyncReport } from "./types.js";

/** What {@link sync} returns: the report, and each target's chosen files (for lock outputs). */
export interface SyncResult {
  report: SyncReport;
  selections: TargetSelection[];
  /** With `installationReports`: pip's installation report of each selection, same order. */
  installationReports?: InstallationReport[];
}

/**
 * Give chosen files whose source stated no sha256 or size (find-links files) those the store
 * computed and checked when it took them in, for the report, the lock and hashed requirements.
 */
function fillFromStore(store: Store, selections: TargetSelection[]): void {
  for (const selection of selections) {
    for (const pkg of selection.packages) {
      if (pkg.file.sha256 !== undefined && pkg.file.size !== undefined) continue;
      const stored = findFile(store, pkg.file.filename);
      if (stored === undefined) continue;
      pkg.file = {
        ...pkg.file,
        sha256: pkg.file.sha256 ?? stored.sha256,
        size: pkg.file.size ?? stored.size,
      };
    }
  }
}

/** The stored row of `file` when the store holds it with the sha256 its index states. */
function storedAs(store: Store, file: MetadataTarget) {
  const row = file.sha256 === undefined ? undefined : findFile(store, file.filename);
  return row !== undefined && row.sha256 === file.sha256?.toLowerCase() ? row : undefined;
}

/** The warning for an sdist whose PKG-INFO may not list all its dependencies (pip builds it). */
async function sdistWarning(
  upstream: UpstreamProvider,
  file: CandidateFile,
): Promise<string | undefined> {
  // Read during resolution, so cached; a failure now only means no warning.
  const details = await upstream.getMetadataDetails(file).catch(() => undefined);
  const why = details && unboundRequiresDist(details.metadata);
  if (!why) return undefined;
  return (
    `${file.filename}: its dependencies were read from its PKG-INFO (${why}), which may not ` +
    "list them all; pip would ask its build backend. Run with --build-metadata to do the same, or add missing projects by name"
  );
}

/**
 * Record in the catalog the PEP 792 status the indexes stated of `project` (the first index, in
 * order, that stated one), or that none stated one (which removes a status one of them stated
 * before); a local status is left as it is (store/project-status.ts).
 */
function recordStatuses(
  store: Store,
  project: string,
  indexUrls: string[],
  statuses: Map<string, ProjectStatusNote>,
): void {
  for (const index of indexUrls) {
    const note = statuses.get(`${project} ${index}`);
    if (note !== undefined) {
      recordIndexStatus(store, project, note, index);
      return;
    }
  }
  for (const index of indexUrls) recordIndexStatus(store, project, undefined, index);
}

/**
 * pip's installation report of each selection: every package but build-only ones, with its core
 * metadata (read during resolution, so cached; a lock's files are asked for theirs now, and one
 * that cannot be read is reported by name and version only). "requested": a requirement named
 * it, or a lock listed it.
 */
async function installationReports(
  upstream: UpstreamProvider,
  selections: TargetSelection[],
  options: SyncOptions,
): Promise<InstallationReport[]> {
  const asked = new Set(options.requirements.map((r) => canonicalizeName(r.name)));
  const locked = new Set(options.locked?.map((p) => p.name));
  return Promise.all(
    selections.map(async (selection, i) =>
      installationReport(
        await Promise.all(
          selection.packages
            .filter((p) => !p.buildOnly)
            .map(async (p) => {
              const details = await upstream.getMetadataDetails(p.file).catch(() => undefined);
              return {
                name: p.name,
                version: p.version,
                file: p.file,
                ...(details ? { metadata: details.metadata } : {}),
                requested: asked.has(p.name) || locked.has(p.name),
              };
            }),
        ),
        options.requirements,
        markerEnvironment(options.targets[i]),
      ),
    ),
  );
}

/**
 * Resolve `options.requirements` for every target, then (unless `dryRun`) download what the
 * store lacks.
 * @returns the report and selections; file failures (hash mismatch, HTTP errors) are in `report.failed`, not
 *   thrown.
 * @throws ResolutionError when a target cannot be resolved (the message names the target), the
 *   upstream's errors when an index page or metadata cannot be read.
 */
export async function sync(options: SyncOptions): Promise<SyncResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const { events } = options;
  // Inside the store's tmp/: what an interrupted run leaves there, gc removes.
  const tmp = await mkdtemp(join(options.store.layout.tmp, "sync-"));
  let prefetch: Prefetch | undefined;
  let upstream: UpstreamProvider | undefined;
  const { store } = options;
  /** The sdists the resolutions chose, by URL (their PKG-INFO gave their dependencies). */
  const sdists = new Map<string, CandidateFile>();
  /** PEP 792 statuses the index pages stated, by "project index" (warned once each). */
  const statuses = new Map<string, ProjectStatusNote>();
  try {
    upstream = createUpstreamProvider({
      http: options.http,
      indexUrls: options.indexUrls,
      ...(options.indexStrategy ? { indexStrategy: options.indexStrategy } : {}),
      findLinks: options.findLinks ?? [],
      metadataConcurrency: options.concurrency ?? 8,
      tmpDir: tmp,
      ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
      onArchive: (file, path) => prefetch?.adopt(file, path) ?? Promise.resolve(),
      hashLocalFiles:
        options.policy?.requireHashes === true || (options.policy?.hashes?.size ?? 0) > 0,
      onProjectStatus: (project, status, index) => {
        const key = `${project} ${index}`;
        if (statuses.has(key)) return;
        const note: ProjectStatusNote = { project, index, ...status };
        statuses.set(key, note);
        events?.onWarning?.(projectStatusWarning(note));
      },
      // A stored wheel's metadata is its metadata blob: no request, no cache entry needed.
      known: async (file) => {
        const row = storedAs(store, file);
        return row === undefined ? undefined : readFile(blobPath(store, row.metadataSha256));
      },
    });
    const limit = createLimit(options.concurrency ?? 8);
    prefetch = options.dryRun ? undefined : createPrefetch(options.store, options.http, limit);
    /** Each project's files as its index pages list them (find-links ones left out). */
    const listings = new Map<string, CandidateFile[]>();
    const indexes = new Set(options.indexUrls);
    const provider = sharedProvider(
      upstream,
      (file, metadata) => {
        let project: string;
        try {
          project = canonicalizeName(metadata.name);
        } catch {
          return;
        }
        prefetch?.consider(file, project, metadata.version);
      },
      (project, files) => {
        listings.set(
          project,
          files.filter((f) => f.direct !== true && indexes.has(f.source)),
        );
      },
    );
    /** Sdists whose build backend was asked for their dependencies (--build-metadata). */
    const prepared = new Set<string>();
    const quarantined = quarantineCheck(store, (w) => events?.onWarning?.(w));
    const unquarantined = withoutQuarantined(provider, quarantined);
    const resolving = options.buildMetadata
      ? withPreparedMetadata(unquarantined, upstream, prepared, {
          builder: options.buildMetadata,
          provider,
          http: options.http,
          tmpDir: tmp,
          onWarning: (w) => events?.onWarning?.(w),
        })
      : unquarantined;
    const selections = await Promise.all(
      options.targets.map(async (target): Promise<TargetSelection> => {
        events?.onResolveStart?.(target.spec);
        const begun = now();
        const packages: TargetSelection["packages"] = [];
        if (options.requirements.length > 0 || options.locked === undefined) {
          try {
            const direct = takeDirectReferences(options.requirements, markerEnvironment(target));
            const hashes = withFragmentHashes(options.policy?.hashes, direct.files);
            const resolution = await resolve(
              direct.requirements,
              withDirectFiles(resolving, upstream!, direct.files, hashes),
              {
                ...options.policy,
                ...(hashes !== undefined ? { hashes } : {}),
                target,
                buildRequirements: true,
              },
            );
            packages.push(...resolution.packages);
            for (const p of resolution.packages) {
              if (!p.file.filename.endsWith(".whl")) sdists.set(p.file.url, p.file);
            }
          } catch (error) {
            if (options.targets.length > 1 && error instanceof Error) {
              error.message = `target ${target.spec}: ${error.message}`;
            }
            throw error;
          }
        }
        if (options.locked) {
          const locked = lockedSelection(options.locked, target);
          packages.push(...locked.filter((p) => !quarantined(p.name)));
        }
        const resolveMs = now() - begun;
        events?.onResolved?.(target.spec, packages.length, resolveMs);
        return { target: target.spec, packages, resolveMs };
      }),
    );
    for (const message of yankedWarnings(selections.flatMap((s) => s.packages))) {
      events?.onWarning?.(message);
    }
    for (const file of sdists.values()) {
      if (prepared.has(file.url)) continue;
      const warning = await sdistWarning(upstream, file);
      if (warning !== undefined) events?.onWarning?.(warning);
    }
    const plan = planFiles(options.store, selections);
    const outcomes: FileOutcome[] = options.dryRun
      ? plan.flatMap((p) => (p.state === "stored" ? [{ status: "skipped", planned: p }] : []))
      : await fetchFiles(options.store, options.http, plan, {
          limit,
          ...(prefetch ? { prefetch } : {}),
          ...(events ? { events } : {}),
        });
    fillFromStore(options.store, selections);
    const provenance =
      options.dryRun || options.provenance === false
        ? undefined
        : await fetchProvenances(store, options.http, selections, limit, (w) =>
            events?.onWarning?.(w),
          );
    const yankChanges: YankChange[] = [];
    for (const [project, files] of listings) {
      yankChanges.push(
        ...refreshYanked(store, project, files, { dryRun: options.dryRun === true }),
      );
      if (!options.dryRun) recordStatuses(store, project, options.indexUrls, statuses);
    }
    const report = buildReport(
      selections,
      outcomes,
      options.dryRun === true,
      now() - started,
      yankChanges,
      [...statuses.values()],
      provenance,
    );
    if (!options.installationReports) return { report, selections };
    const reports = await installationReports(upstream, selections, options);
    return { report, selections, installationReports: reports };
  } catch (error) {
    // A failed resolution fetches nothing more ahead: only what is under way finishes.
    prefetch?.cancel();
    throw error;
  } finally {
    // A failed resolution must not leave downloads writing into a store the caller closes.
    await prefetch?.settle();
    // Cache entries only for what the store does not answer: not for a wheel it now holds
    // (an sdist's entry also carries its build requirements, which no blob records).
    await upstream?.settle((file) => !file.filename.endsWith(".whl") || !storedAs(store, file));
    await rm(tmp, { recursive: true, force: true });
  }
}
