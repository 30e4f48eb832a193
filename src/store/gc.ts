// Garbage collection: remove blobs no catalog row references, leftovers in tmp/ (from crashed or
// killed writes), and provenance objects of files no longer held. Reports what was freed.
// Spec (the pattern): git gc's prune expiry.
// Traps:
// - A writer stages blobs before it commits their rows, so a young unreferenced blob may be
//   about to be claimed: only blobs and tmp files older than the grace period go (default one
//   hour; staging refreshes the mtime of a blob it reuses). `graceMs: 0` takes everything.
// - The referenced set read at the start only picks candidates. Each candidate blob is deleted
//   inside an IMMEDIATE transaction that checks again that no row references it: commitProject
//   checks its blobs inside an IMMEDIATE transaction too, so a commit and a deletion are strictly
//   ordered (a blob staged long before its commit, as an import does, is never deleted under a
//   row that has just claimed it; the commit is refused instead when gc came first).

import { rmSync, statSync } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { isSha256 } from "./layout.js";
import { removeOrphanProvenances } from "./provenance.js";
import type { Store } from "./store.js";

/** Blobs deleted per write transaction (each holds the catalog's write lock). */
const GC_BATCH = 256;

/** Default grace period of {@link collectGarbage}, in ms. */
export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

/** The outcome of {@link collectGarbage}. */
export interface GcReport {
  removedBlobs: number;
  /** Bytes freed by removed blobs. */
  freedBytes: number;
  removedTmp: number;
  freedTmpBytes: number;
  /** Unreferenced blobs and tmp files spared because they are younger than the grace period. */
  spared: number;
  /** Provenance objects (PEP 740) of files no row holds any more, deleted. */
  removedProvenances: number;
}

/** Options of {@link collectGarbage}. */
export interface GcOptions {
  /** Only remove what is older than this, in ms (default {@link DEFAULT_GC_GRACE_MS}). */
  graceMs?: number;
  /** The clock (default now). */
  now?: Date;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

/** Remove unreferenced old blobs and tmp leftovers; see {@link GcReport}. */
export async function collectGarbage(store: Store, options: GcOptions = {}): Promise<GcReport> {
  const cutoff = (options.now ?? new Date()).getTime() - (options.graceMs ?? DEFAULT_GC_GRACE_MS);
  const referenced = new Set(
    store.db
      .prepare("SELECT sha256 FROM files UNION SELECT metadata_sha256 FROM files")
      .pluck()
      .all() as string[],
  );
  const report: GcReport = {
    removedBlobs: 0,
    freedBytes: 0,
    removedTmp: 0,
    freedTmpBytes: 0,
    spared: 0,
    removedProvenances: removeOrphanProvenances(store),
  };
  const removeIfOld = async (path: string): Promise<number | undefined> => {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) return undefined;
    if (info.mtimeMs > cutoff) {
      report.spared++;
      return undefined;
    }
    await rm(path, { force: true, recursive: true });
    return info.size;
  };
  const root = store.layout.blobs;
  const candidates: string[] = [];
  for (const a of await entries(root)) {
    for (const b of await entries(join(root, a))) {
      for (const name of await entries(join(root, a, b))) {
        if (isSha256(name) && referenced.has(name)) continue;
        const info = await stat(join(root, a, b, name)).catch(() => undefined);
        if (info === undefined) continue;
        if (info.mtimeMs > cutoff) report.spared++;
        else candidates.push(join(root, a, b, name));
      }
    }
  }
  const claimed = store.db.prepare(
    "SELECT 1 FROM files WHERE sha256 = ? OR metadata_sha256 = ? LIMIT 1",
  );
  const removeBatch = store.db.transaction((paths: string[]) => {
    for (const path of paths) {
      const name = basename(path);
      if (isSha256(name) && claimed.get(name, name) !== undefined) continue;
      const info = statSync(path, { throwIfNoEntry: false });
      if (info === undefined) continue;
      if (info.mtimeMs > cutoff) {
        report.spared++;
        continue;
      }
      rmSync(path, { force: true, recursive: true });
      report.removedBlobs++;
      report.freedBytes += info.size;
    }
  });
  for (let i = 0; i < candidates.length; i += GC_BATCH) {
    removeBatch.immediate(candidates.slice(i, i + GC_BATCH));
  }
  for (const name of await entries(store.layout.tmp)) {
    const size = await removeIfOld(join(store.layout.tmp, name));
    if (size !== undefined) {
      report.removedTmp++;
      report.freedTmpBytes += size;
    }
  }
  return report;
}
