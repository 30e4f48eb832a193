// `add` as a library call: local files and flat directories of wheels and sdists go into the
// store, each project's files staged then committed in one transaction. One bad file never
// stops the others: its error is reported and nothing of it is stored.
// Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/ (names)
// Traps:
// - Directories are flat (find-links style): files whose names are not distributions are
//   skipped there, but a file named explicitly must be one (UNKNOWN_EXTENSION). An sdist in a
//   format pip reads and the store does not (.tar.xz, .tgz, ...) fails in both cases: pip
//   would use it, so dropping it as "not a distribution" would lose it unnoticed. A symlink in a
//   directory that dangles or loops (ELOOP) is skipped, not fatal; a named FIFO is refused
//   (copying it would wait for a writer forever).
// - A failed catalog transaction (SQLITE_BUSY past the busy timeout, a full disk) fails the
//   files of that project only, like any other bad file.
// - Projects are staged many at a time (32 by default), the files of one project side by side,
//   and one project's rows are always committed together. Most of a file's time is waiting on
//   the disk (fsyncs, renames, directory syncs in libuv's pool), so more files in flight keep
//   the pool busy: 32 took 20-30% less time than 8 on the corpus wheels here. A small file is
//   read into memory whole, so the projects in flight are also bounded by their bytes
//   (IN_FLIGHT_BYTES; a single larger project still goes, alone).

import { type Dirent, type Stats, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { quote, WheelhouseError } from "../pep/errors.js";
import { parseDistributionFilename } from "../pep/filename.js";
import { type CommitResult, commitProject } from "./commit.js";
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
  /** Projects staged at once (default 32); see also IN_FLIGHT_BYTES. */
  concurrency?: number;
}

/** Projects staged at once by default. */
const CONCURRENCY = 32;
/** Bytes of distribution files being staged at once (besides one larger project alone). */
const IN_FLIGHT_BYTES = 256 * 1024 * 1024;

function asWheelhouseError(error: unknown, path: string): WheelhouseError {
  if (error instanceof WheelhouseError) return error;
  return new WheelhouseError("ADD_FAILED", `${quote(path)}: ${(error as Error).message}`, {
    cause: error,
  });
}

/** The error for a named path that cannot be used: NOT_FOUND when it is absent. */
function pathError(path: string, error: unknown): WheelhouseError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return new WheelhouseError("NOT_FOUND", `${quote(path)} does not exist`);
  }
  return new WheelhouseError(
    "PATH_UNREADABLE",
    `${quote(path)} cannot be read: ${(error as Error).message}`,
    { cause: error, hint: "check the path, its permissions and its symbolic links" },
  );
}

/** Archive extensions pip takes as sdists (pip's utils/filetypes.py) that the store cannot read. */
const UNSUPPORTED_SDIST_EXTENSIONS = [
  ".tgz",
  ".tar",
  ".tbz",
  ".tar.xz",
  ".txz",
  ".tlz",
  ".tar.lz",
  ".tar.lzma",
];

/**
 * UNSUPPORTED_SDIST_FORMAT when `filename` is `{name}-{version}` with an sdist extension pip
 * knows but the store cannot read; undefined otherwise. Such a file in a find-links folder is a
 * distribution pip would use, so skipping it as "not a distribution" would lose it silently.
 */
function unsupportedSdist(filename: string): WheelhouseError | undefined {
  const extension = UNSUPPORTED_SDIST_EXTENSIONS.find((e) => filename.endsWith(e));
  if (extension === undefined) return undefined;
  try {
    parseDistributionFilename(`${filename.slice(0, -extension.length)}.tar.gz`);
  } catch {
    return undefined; // not {name}-{version}: not a distribution at all
  }
  return new WheelhouseError(
    "UNSUPPORTED_SDIST_FORMAT",
    `sdist ${quote(filename)} is a ${quote(extension)} archive, which the store cannot hold`,
    {
      hint: 'the store takes ".tar.gz" (PEP 625), ".zip" and ".tar.bz2" sdists; repack it as .tar.gz',
    },
  );
}

/** What a directory entry's symbolic link points at; undefined when dangling or a loop. */
function statTarget(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // ELOOP, EACCES: as unusable as a dangling link
  }
}

/**
 * Expand `paths` (files, and flat directories) into distribution files.
 * @returns files to add, names skipped in directories, and per-path errors: "NOT_FOUND",
 *   "PATH_UNREADABLE" (a symlink loop, no permission), "NOT_A_FILE" (a FIFO, a device),
 *   "UNSUPPORTED_SDIST_FORMAT" (a directory's `x-1.0.tar.xz`, `.tgz`, ...).
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
    let info: Stats;
    let entries: Dirent[] = [];
    try {
      info = await stat(p);
      if (info.isDirectory()) entries = await readdir(p, { withFileTypes: true });
    } catch (error) {
      errors.push({ path: p, error: pathError(p, error) });
      continue;
    }
    if (info.isDirectory()) {
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const full = join(p, entry.name);
        // A symlink counts as what it points at (a wheelhouse of links is common).
        const isFile = entry.isSymbolicLink()
          ? statTarget(full)?.isFile() === true
          : entry.isFile();
        if (!isFile) {
          if (entry.isSymbolicLink()) skipped.push(full);
          continue;
        }
        const unsupported = unsupportedSdist(entry.name);
        if (unsupported !== undefined) {
          errors.push({ path: full, error: unsupported });
          continue;
        }
        try {
          parseDistributionFilename(entry.name);
          files.push(full);
        } catch {
          skipped.push(full);
        }
      }
    } else if (!info.isFile()) {
      // Copying a FIFO would wait for a writer forever.
      errors.push({
        path: p,
        error: new WheelhouseError("NOT_A_FILE", `${quote(p)} is neither a file nor a directory`, {
          hint: "give wheels and sdists as regular files, or the directory holding them",
        }),
      });
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
      const unsupported = unsupportedSdist(basename(path));
      emit({ status: "failed", path, error: unsupported ?? asWheelhouseError(error, path) });
      continue;
    }
    groups.set(key, [...(groups.get(key) ?? []), path]);
  }
  const queue = [...groups.values()];
  const budget = byteBudget(IN_FLIGHT_BYTES);
  const worker = async () => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      const bytes = group.reduce((sum, p) => sum + (statTarget(p)?.size ?? 0), 0);
      await budget.take(bytes);
      try {
        await addProject(store, group, emit);
      } finally {
        budget.give(bytes);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? CONCURRENCY }, worker));
  return report;
}

/**
 * A budget of `limit` bytes: take() waits until the amount fits beside what is taken, except
 * that an amount always goes when nothing else is taken (so one large item never waits forever).
 */
export function byteBudget(limit: number): {
  take(n: number): Promise<void>;
  give(n: number): void;
} {
  let used = 0;
  const waiting: { n: number; go: () => void }[] = [];
  const fits = (n: number) => used === 0 || used + n <= limit;
  return {
    async take(n) {
      if (waiting.length === 0 && fits(n)) {
        used += n;
        return;
      }
      await new Promise<void>((go) => waiting.push({ n, go }));
    },
    give(n) {
      used -= n;
      while (waiting.length > 0 && fits(waiting[0].n)) {
        const next = waiting.shift()!;
        used += next.n;
        next.go();
      }
    },
  };
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
  let results: CommitResult[];
  try {
    results = commitProject(
      store,
      staged.map((s) => s.file),
    );
  } catch (error) {
    // The catalog itself failed (write lock held past the busy timeout, disk full): this
    // project's files are not stored, the other projects go on.
    for (const { path, file } of staged) {
      emit({ status: "failed", path, error: commitFailed(file.filename, error) });
    }
    return;
  }
  results.forEach((result, i) => {
    const { path } = staged[i];
    if (result.status === "refused") emit({ status: "failed", path, error: result.error });
    else emit({ status: result.status, path, file: result.file });
  });
}

/** The error of a file whose project's catalog transaction failed; CATALOG_BUSY for SQLITE_BUSY. */
function commitFailed(filename: string, error: unknown): WheelhouseError {
  if (error instanceof WheelhouseError) return error;
  const busy = (error as { code?: string }).code?.startsWith("SQLITE_BUSY") === true;
  return new WheelhouseError(
    busy ? "CATALOG_BUSY" : "STORE_WRITE_FAILED",
    `${quote(filename)} could not be recorded in the catalog: ${(error as Error).message}`,
    {
      cause: error,
      hint: busy
        ? "another process held the catalog's write lock past the busy timeout; add it again"
        : "nothing of it is in the catalog; add it again once the store is writable",
    },
  );
}
