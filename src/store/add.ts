// `add` as a library call: local files and flat directories of wheels and sdists go into the
// store, each project's files staged then committed in one transaction. One bad file never
// stops the others: its error is reported and nothing of it is stored.
// Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/ (names)
// Traps:
// - Directories are flat (find-links style): files whose names are not distributions are
//   skipped there, but a file named explicitly must be one (UNKNOWN_EXTENSION).
// - Projects are staged a few at a time, the files of one project side by side, and one
//   project's rows are always committed together.

import { readdir, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { quote, WheelhouseError } from "../pep/errors.js";
import { parseDistributionFilename } from "../pep/filename.js";
import { commitProject } from "./commit.js";
import { stageDistribution } from "./stage.js";
import type { Store } from "./store.js";
import type { StagedFile, StoredFile } from "./types.js";

/** What happened to one path. */
export type AddEvent =
  | { status: "added" | "unchanged"; path: string; file: StoredFile }
  | { status: "failed"; path: string; error: WheelhouseError };

/** The outcome of {@link addPaths}. */
export interface AddReport {
  added: StoredFile[];
  unchanged: StoredFile[];
  failed: { path: string; code: string; message: string; error: WheelhouseError }[];
  /** Files in the given directories that are not distributions. */
  skipped: string[];
}

/** Options of {@link addPaths}. */
export interface AddOptions {
  /** Called once per distribution file when it is done. */
  onFile?: (event: AddEvent) => void;
  /** Called once with the number of files found, before any is added. */
  onStart?: (total: number) => void;
  /** Projects staged at once (default 8). */
  concurrency?: number;
}

function asWheelhouseError(error: unknown, path: string): WheelhouseError {
  if (error instanceof WheelhouseError) return error;
  return new WheelhouseError("ADD_FAILED", `${quote(path)}: ${(error as Error).message}`, {
    cause: error,
  });
}

/**
 * Expand `paths` (files, and flat directories) into distribution files.
 * @returns files to add, names skipped in directories, and per-path errors ("NOT_FOUND").
 */
export async function collectDistributions(paths: string[]): Promise<{
  files: string[];
  skipped: string[];
  errors: { path: string; error: WheelhouseError }[];
}> {
  const files: string[] = [];
  const skipped: string[] = [];
  const errors: { path: string; error: WheelhouseError }[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info === undefined) {
      errors.push({
        path: p,
        error: new WheelhouseError("NOT_FOUND", `${quote(p)} does not exist`),
      });
    } else if (info.isDirectory()) {
      for (const entry of (await readdir(p, { withFileTypes: true })).sort((a, b) =>
        a.name < b.name ? -1 : 1,
      )) {
        const full = join(p, entry.name);
        if (!entry.isFile()) continue;
        try {
          parseDistributionFilename(entry.name);
          files.push(full);
        } catch {
          skipped.push(full);
        }
      }
    } else {
      files.push(p);
    }
  }
  return { files, skipped, errors };
}

/**
 * Add local wheels and sdists (`paths`: files or flat directories) to the store.
 * Never throws for a bad file: see {@link AddReport.failed}; a non-empty `failed` means the
 * caller should exit non-zero.
 */
export async function addPaths(
  store: Store,
  paths: string[],
  options: AddOptions = {},
): Promise<AddReport> {
  const { files, skipped, errors } = await collectDistributions(paths);
  const report: AddReport = { added: [], unchanged: [], failed: [], skipped };
  const emit = (event: AddEvent) => {
    if (event.status === "failed") {
      const { error } = event;
      report.failed.push({ path: event.path, code: error.code, message: error.message, error });
    } else report[event.status].push(event.file);
    options.onFile?.(event);
  };
  options.onStart?.(files.length + errors.length);
  for (const { path, error } of errors) emit({ status: "failed", path, error });

  const groups = new Map<string, string[]>();
  for (const path of files) {
    let key: string;
    try {
      key = parseDistributionFilename(basename(path)).name;
    } catch (error) {
      emit({ status: "failed", path, error: asWheelhouseError(error, path) });
      continue;
    }
    groups.set(key, [...(groups.get(key) ?? []), path]);
  }
  const queue = [...groups.values()];
  const worker = async () => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      await addProject(store, group, emit);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return report;
}

// The same filename twice in one call (from two folders) goes in a later round, after the first
// is committed, so a conflicting copy is refused at staging and leaves no blob behind.
async function addProject(
  store: Store,
  paths: string[],
  emit: (event: AddEvent) => void,
): Promise<void> {
  const rounds: string[][] = [];
  for (const path of paths) {
    const round = rounds.find((r) => !r.some((p) => basename(p) === basename(path)));
    if (round === undefined) rounds.push([path]);
    else round.push(path);
  }
  for (const round of rounds) await addRound(store, round, emit);
}

async function addRound(
  store: Store,
  paths: string[],
  emit: (event: AddEvent) => void,
): Promise<void> {
  const outcomes = await Promise.all(
    paths.map(async (path) => {
      try {
        const file = await stageDistribution(store, path, {
          filename: basename(path),
          source: resolve(path),
        });
        return { path, file };
      } catch (error) {
        emit({ status: "failed", path, error: asWheelhouseError(error, path) });
        return undefined;
      }
    }),
  );
  const staged = outcomes.filter((o): o is { path: string; file: StagedFile } => o !== undefined);
  const results = commitProject(
    store,
    staged.map((s) => s.file),
  );
  results.forEach((result, i) => {
    const { path } = staged[i];
    if (result.status === "refused") emit({ status: "failed", path, error: result.error });
    else emit({ status: result.status, path, file: result.file });
  });
}
