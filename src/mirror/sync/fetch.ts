// The fetch phase of a sync: download the planned files that are missing, a bounded number at a
// time, each handed to the store (which hashes it once, checks it against the index's sha256
// and size, and keeps it), then commit each project's rows in one catalog transaction as soon
// as its last file has landed.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/ (hashes)
// Traps:
// - A file up to IN_MEMORY bytes is read whole into memory, as the chunks it arrived in (never
//   joined: store/chunked-bytes.ts): the store then hashes, writes (writev) and inspects those,
//   with no second hashing pass, no copy of the file and no re-read of what it just wrote.
//   Bigger files stream straight into the store. Either way the bytes checked are the bytes
//   kept, and a HASH_MISMATCH names the file, its URL, the expected and the actual digest.
// - A failure of one file does not stop the others, and the other files of its project are
//   still committed: an interrupted or partly failed run keeps what it verified.
// - A kill at any point leaves at worst orphan blobs (staged, not committed) that gc removes; the
//   next run finds no row for them and fetches them again.

import { WheelhouseError } from "../../pep/errors.js";
import { commitProject } from "../../store/commit.js";
import { type StageInput, stageDistribution } from "../../store/stage.js";
import type { Store } from "../../store/store.js";
import type { StagedFile } from "../../store/types.js";
import type { HttpClient } from "../http/http-client.js";
import { redactUrl } from "../http/http-errors.js";
import type { CandidateFile } from "../resolve/provider.js";
import { readDistribution } from "../upstream/download.js";
import { createLimit, type Limit } from "../upstream/limit.js";
import type { Prefetch } from "./prefetch.js";
import type { FileOutcome, PlannedFile, SyncEvents } from "./types.js";

/** Options of {@link fetchFiles}. */
export interface FetchOptions {
  /** Parallel downloads (default 8); ignored when `limit` is given. */
  concurrency?: number;
  /** The limit of parallel downloads, shared with `prefetch`. */
  limit?: Limit;
  /** Downloads started during resolution (see prefetch.ts), taken over instead of repeated. */
  prefetch?: Prefetch;
  events?: SyncEvents;
}

function failure(planned: PlannedFile, error: unknown): FileOutcome {
  if (error instanceof WheelhouseError) {
    return {
      status: "failed",
      planned,
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  return {
    status: "failed",
    planned,
    code: "DOWNLOAD_FAILED",
    message: `${planned.file.filename} from ${planned.file.url}: ${(error as Error)?.message ?? String(error)}`,
  };
}

/**
 * Files up to this many bytes (nearly every wheel) are read into memory whole; at the default
 * concurrency that bounds the buffers to 8 x 64 MiB, what the store's zip reader would take
 * anyway to inspect them.
 */
const IN_MEMORY = 64 * 1024 * 1024;

/**
 * Download `file` into the store (blobs written and verified, no catalog row yet).
 * @returns the row to commit with commitProject.
 * @throws the errors of readDistribution and stageDistribution (HASH_MISMATCH names the URL).
 */
export async function stageDownload(
  store: Store,
  http: HttpClient,
  file: CandidateFile,
  onBytes?: (bytes: number) => void,
): Promise<StagedFile> {
  const body = await readDistribution(http, file, {
    maxInMemory: IN_MEMORY,
    ...(onBytes ? { onBytes } : {}),
  });
  return stageDistribution(store, body, stageInput(file));
}

/** What the index says of `file`, as the store records it (its expected sha256 and size too). */
export function stageInput(file: CandidateFile): StageInput {
  return {
    filename: file.filename,
    source: redactUrl(file.url),
    yanked: file.yanked,
    ...(file.sha256 !== undefined ? { sha256: file.sha256 } : {}),
    ...(file.hashes !== undefined ? { hashes: file.hashes } : {}),
    ...(file.size !== undefined ? { size: file.size } : {}),
    ...(file.uploadTime !== undefined ? { uploadTime: file.uploadTime } : {}),
    ...(file.requiresPython !== undefined ? { requiresPython: file.requiresPython } : {}),
  };
}

/**
 * Fetch every "missing" file of `plan` into `store`; "stored" ones are reported as skipped
 * without any request. Files of one project are committed together (one transaction) once all
 * of that project's downloads have ended.
 * @returns one outcome per planned file, in plan order. Never throws for a file's failure.
 */
export async function fetchFiles(
  store: Store,
  http: HttpClient,
  plan: PlannedFile[],
  options: FetchOptions = {},
): Promise<FileOutcome[]> {
  const { events } = options;
  const limit = options.limit ?? createLimit(options.concurrency ?? 8);
  const outcomes = new Map<PlannedFile, FileOutcome>();
  const missing = plan.filter((p) => p.state === "missing");
  for (const p of plan) {
    if (p.state === "stored") outcomes.set(p, { status: "skipped", planned: p });
  }
  events?.onDownloadStart?.(
    missing,
    missing.reduce((sum, p) => sum + (p.file.size ?? 0), 0),
  );
  const byProject = new Map<string, PlannedFile[]>();
  for (const p of missing) byProject.set(p.project, [...(byProject.get(p.project) ?? []), p]);

  await Promise.all(
    [...byProject.values()].map(async (files) => {
      const staged: { planned: PlannedFile; row: StagedFile }[] = [];
      await Promise.all(
        files.map((planned) =>
          fetchPlanned(store, http, planned, limit, options.prefetch, events).then(
            (row) => void staged.push({ planned, row }),
            (error: unknown) => {
              const outcome = failure(planned, error);
              outcomes.set(planned, outcome);
              events?.onFileDone?.(outcome);
            },
          ),
        ),
      );
      commitStaged(store, staged, outcomes, events);
    }),
  );
  return plan.map((p) => outcomes.get(p)!);
}

/** One planned file's staged row: taken over from the prefetch, else downloaded now. */
async function fetchPlanned(
  store: Store,
  http: HttpClient,
  planned: PlannedFile,
  limit: Limit,
  prefetch: Prefetch | undefined,
  events: SyncEvents | undefined,
): Promise<StagedFile> {
  const ahead = prefetch?.take(planned.file);
  if (ahead !== undefined) {
    events?.onFileStart?.(planned);
    const row = await ahead.staged.catch(() => undefined);
    if (row !== undefined) {
      events?.onBytes?.(planned, ahead.bytes);
      return row;
    }
  }
  return limit(async () => {
    if (ahead === undefined) events?.onFileStart?.(planned);
    return stageDownload(store, http, planned.file, (bytes) => events?.onBytes?.(planned, bytes));
  });
}

/** Commit one project's staged rows; the stage reports the real project name, so group by it. */
function commitStaged(
  store: Store,
  staged: { planned: PlannedFile; row: StagedFile }[],
  outcomes: Map<PlannedFile, FileOutcome>,
  events: SyncEvents | undefined,
): void {
  const groups = new Map<string, typeof staged>();
  for (const s of staged) groups.set(s.row.project, [...(groups.get(s.row.project) ?? []), s]);
  for (const group of groups.values()) {
    let results: ReturnType<typeof commitProject>;
    try {
      results = commitProject(
        store,
        group.map((s) => s.row),
      );
    } catch (error) {
      for (const s of group) {
        const outcome = failure(s.planned, error);
        outcomes.set(s.planned, outcome);
        events?.onFileDone?.(outcome);
      }
      continue;
    }
    results.forEach((result, i) => {
      const planned = group[i].planned;
      const outcome: FileOutcome =
        result.status === "refused"
          ? failure(planned, result.error)
          : result.status === "added"
            ? { status: "added", planned, size: result.file.size }
            : { status: "skipped", planned };
      outcomes.set(planned, outcome);
      events?.onFileDone?.(outcome);
    });
  }
}
