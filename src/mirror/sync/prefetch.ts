// Downloads started while the resolver is still working: when the resolver reads the core
// metadata of a wheel, that wheel is nearly always the one it will pin, so it is fetched and
// staged in the store (blob written and verified, no catalog row) at once. The fetch phase then
// takes over what is under way instead of asking again; rows are only ever written for the files
// of the final plan.
// Spec background: https://packaging.python.org/en/latest/specifications/simple-repository-api/
// Traps:
// - Only the first version the resolver asks about for a project is fetched ahead: asking about
//   a second one means it is backtracking, and a backtracking resolver may look at dozens of
//   versions. At most one unneeded version per project is downloaded; its blobs stay orphans
//   (no row), which gc removes as it does after an interrupted run.
// - The downloads share the fetch phase's concurrency limit, and a file taken over is awaited
//   outside that limit (a waiter holding a slot while its download waits for one would deadlock).
// - A file already in the store (same filename and sha256) is never fetched ahead.
// - A failed download ahead is not reported: the fetch phase simply fetches that file again.
// - A file the metadata fetcher had to download whole (an sdist, or a wheel without PEP 658 and
//   Range support) is adopted from that download instead of being fetched a second time.

import { parseDistributionFilename } from "../../pep/filename.js";
import { findFile } from "../../store/queries.js";
import { stageDistribution } from "../../store/stage.js";
import type { Store } from "../../store/store.js";
import type { StagedFile } from "../../store/types.js";
import type { HttpClient } from "../http/http-client.js";
import type { CandidateFile } from "../resolve/provider.js";
import type { Limit } from "../upstream/limit.js";
import { stageDownload, stageInput } from "./fetch.js";

/** A download started ahead of the plan: its staged row, and its bytes so far. */
export interface Ahead {
  staged: Promise<StagedFile>;
  /** Bytes received so far (progress of a download the fetch phase takes over). */
  bytes: number;
}

/** Downloads started ahead of the plan, by file URL. */
export interface Prefetch {
  /**
   * The resolver read the metadata of `file` (project and version as its metadata says): fetch
   * it now if it is a wheel of the first version asked about for its project. Never throws.
   */
  consider(file: CandidateFile, project: string, version: string): void;
  /**
   * `file` was downloaded whole (and verified) to `path` to read its metadata: stage it from
   * there. Resolves once staged, so the caller may then delete `path`. Never throws.
   */
  adopt(file: CandidateFile, path: string): Promise<void>;
  /** The download of `file` started ahead, if any; removed from the prefetch. */
  take(file: CandidateFile): Ahead | undefined;
  /** Resolves once every download started ahead has ended (before the store is closed). */
  settle(): Promise<void>;
  /**
   * Start nothing more: downloads still waiting for a slot are dropped (a failed resolution
   * should not fetch on); those under way finish, for settle() to await.
   */
  cancel(): void;
}

/** Create a prefetch over `store` and `http` whose downloads run under `limit`. */
export function createPrefetch(store: Store, http: HttpClient, limit: Limit): Prefetch {
  const firstVersion = new Map<string, string>();
  const started = new Map<string, Ahead>();
  const all: Promise<unknown>[] = [];
  let cancelled = false;
  /** Already in the store with the sha256 the index states (or no sha256 stated to compare). */
  const isStored = (file: CandidateFile): boolean => {
    const stored = findFile(store, file.filename);
    return (
      stored !== undefined &&
      (file.sha256 === undefined || stored.sha256 === file.sha256.toLowerCase())
    );
  };
  return {
    consider(file, project, version) {
      if (firstVersion.get(project) === undefined) firstVersion.set(project, version);
      if (firstVersion.get(project) !== version || started.has(file.url)) return;
      let wheel: boolean;
      try {
        wheel = parseDistributionFilename(file.filename).kind === "wheel";
      } catch {
        return;
      }
      if (!wheel || isStored(file)) return;
      const ahead: Ahead = { bytes: 0, staged: Promise.resolve() as never };
      ahead.staged = limit(() =>
        cancelled
          ? Promise.reject(new Error("prefetch cancelled"))
          : stageDownload(store, http, file, (n) => {
              ahead.bytes += n;
            }),
      );
      all.push(ahead.staged.catch(() => undefined));
      started.set(file.url, ahead);
    },
    async adopt(file, path) {
      if (started.has(file.url) || isStored(file)) return;
      const ahead: Ahead = { bytes: 0, staged: stageDistribution(store, path, stageInput(file)) };
      started.set(file.url, ahead);
      all.push(ahead.staged.catch(() => undefined));
      await ahead.staged.catch(() => undefined);
    },
    take(file) {
      const ahead = started.get(file.url);
      started.delete(file.url);
      return ahead;
    },
    async settle() {
      await Promise.all(all);
    },
    cancel() {
      cancelled = true;
    },
  };
}
