// Where a wheel's files wait before they are installed: one hidden staging directory inside each
// scheme directory the wheel writes to (site-packages, bin, the prefix for .data/data, ...),
// holding the wheel's tree as it will be. commit() moves each top-level entry into place with
// one rename (merging, file by file, only into directories that already exist: bin/, shared
// namespace packages, an upgraded package); discard() removes the staging directories and the
// scheme directories they had to create. Files are written in batches by ./file-writer.ts.
// Traps:
// - The staging directory sits inside the scheme directory so that rename() never crosses
//   file systems.
// - Creating an inode is the costly part of an install (on a journal-less ext4 that deleted many
//   files in the last 30 s, a millisecond of kernel time each): writes, and the inflating and
//   hashing before them, run on worker threads, and the per-file temp-name-then-rename of the
//   first version is gone.
// - Every write in flight is awaited before discard() removes anything, or a late write would
//   land after the cleanup.
// - A merge follows a symlinked directory in the target (a venv's lib64 -> lib).

import { mkdirSync, readdirSync, renameSync, rmdirSync, statSync } from "node:fs";
import { mkdir, rm, rmdir } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { FileOp, FileWriter, PackedFile } from "./file-writer.js";

/** Batches a wheel keeps in flight at once, and the size of a batch (ops, bytes). */
const IN_FLIGHT = 4;
const BATCH_OPS = 64;
const BATCH_BYTES = 4 * 1024 * 1024;

/** The staging directories of one wheel. */
export class Staging {
  /** Scheme directory -> its staging directory. */
  private readonly dirs = new Map<string, string>();
  /** Directories created above the staging directories (scheme dirs that did not exist). */
  private readonly created: string[] = [];
  private readonly made = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<void>>();
  private batch: FileOp[] = [];
  private batchBytes = 0;
  private failure: unknown;

  constructor(
    private readonly tag: string,
    private readonly writer: FileWriter,
  ) {}

  /** Where the file whose final path is `dest`, under scheme directory `base`, is written now. */
  path(base: string, dest: string): string {
    return memberPath(this.prepare(base), relativeUnder(base, dest));
  }

  /** The staging directory of scheme directory `base`, created (with `base`) on first use. */
  prepare(base: string): string {
    let dir = this.dirs.get(base);
    if (dir === undefined) {
      dir = join(base, this.tag);
      const first = mkdirSync(dir, { recursive: true });
      if (first !== undefined) {
        for (let d = dirname(dir); d.length >= first.length; d = dirname(d)) this.created.push(d);
      }
      this.dirs.set(base, dir);
      this.made.set(dir, Promise.resolve());
    }
    return dir;
  }

  /** mkdir -p of a directory inside a staging directory, once. */
  mkdirs(dir: string): Promise<unknown> {
    let pending = this.made.get(dir);
    if (pending === undefined) {
      pending = mkdir(dir, { recursive: true });
      this.made.set(dir, pending);
    }
    return pending;
  }

  /**
   * Write `data` to staged path `path` (its directory created as needed), in the background;
   * resolves once queued. A write error surfaces from a later call or from settle().
   */
  write(path: string, data: Buffer | string, mode: number): Promise<void> {
    return this.queue({ kind: "file", path, data, mode }, data.length);
  }

  /**
   * Inflate, check and write a wheel member at staged path `file.path`, in the background (on a
   * writer thread; see PackedFile). A failed check surfaces as a write error does.
   */
  writePacked(file: PackedFile): Promise<void> {
    return this.queue(file, file.bytes.length);
  }

  /** Create a symlink at staged path `path`, in the background. */
  symlink(target: string, path: string): Promise<void> {
    return this.queue({ kind: "link", path, target }, 0);
  }

  private async queue(op: FileOp, bytes: number): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.batch.push(op);
    this.batchBytes += bytes;
    if (this.batch.length >= BATCH_OPS || this.batchBytes >= BATCH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    const ops = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    while (this.inFlight.size >= IN_FLIGHT) await Promise.race(this.inFlight);
    if (this.failure !== undefined) throw this.failure;
    const p: Promise<void> = this.writer.write(ops).then(
      () => {
        this.inFlight.delete(p);
      },
      (error: unknown) => {
        this.inFlight.delete(p);
        this.failure ??= error;
      },
    );
    this.inFlight.add(p);
  }

  /** Wait for every write queued. @throws the first write error. */
  async settle(): Promise<void> {
    if (this.batch.length > 0) await this.flush();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Move everything staged into place. Synchronous: nothing else runs in between. */
  commit(): void {
    for (const [base, dir] of this.dirs) merge(dir, base);
    this.dirs.clear();
  }

  /** Remove the staging directories and the scheme directories created for them. */
  async discard(): Promise<void> {
    this.batch = [];
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await Promise.all([...this.dirs.values()].map((d) => rm(d, { recursive: true, force: true })));
    this.dirs.clear();
    const dirs = [...new Set(this.created)].sort((a, b) => b.length - a.length);
    for (const d of dirs) await rmdir(d).catch(() => undefined);
  }
}

/**
 * join(root, ...rel.split("/")) for a relative path (a member name, a path under a scheme
 * directory): plain concatenation when no part of it is empty, "." or "..", where join() would
 * only copy it (once per member of every wheel).
 */
export function memberPath(root: string, rel: string): string {
  return sep === "/" && !/(?:^|\/)\.{0,2}(?:\/|$)/.test(rel)
    ? `${root}/${rel}`
    : join(root, ...rel.split("/"));
}

/**
 * `path` relative to `base`, as path.relative gives it. Most paths lie under `base`, and a prefix
 * check is a fraction of path.relative's cost, which resolves both paths again per call (2,000
 * files: 20 ms of the main thread); the rest go to path.relative.
 */
export function relativeUnder(base: string, path: string): string {
  const under = base.endsWith(sep) ? base : base + sep;
  if (
    path.startsWith(under) &&
    !path.endsWith(sep) &&
    !path.includes(`${sep}.`) &&
    !path.includes(`${sep}${sep}`)
  ) {
    return path.slice(under.length);
  }
  return relative(base, path);
}

/** Rename each entry of `from` into `to`, descending only where both are directories. */
function merge(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory() && isDirectory(target)) merge(source, target);
    else renameSync(source, target);
  }
  rmdirSync(from);
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}
