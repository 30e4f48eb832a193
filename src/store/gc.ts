// Garbage collection: remove blobs no catalog row references, and leftovers in tmp/ (from
// crashed or killed writes). Reports what was freed.
// Spec (the pattern): git gc's prune expiry.
// Traps:
// - A writer stages blobs before it commits their rows, so a young unreferenced blob may be
//   about to be claimed: only blobs and tmp files older than the grace period go (default one
//   hour; staging refreshes the mtime of a blob it reuses). `graceMs: 0` takes everything.
// - The referenced set is read once; a row committed afterwards points at a young blob.

import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isSha256 } from "./layout.js";
import type { Store } from "./store.js";

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
  for (const a of await entries(root)) {
    for (const b of await entries(join(root, a))) {
      for (const name of await entries(join(root, a, b))) {
        if (isSha256(name) && referenced.has(name)) continue;
        const size = await removeIfOld(join(root, a, b, name));
        if (size !== undefined) {
          report.removedBlobs++;
          report.freedBytes += size;
        }
      }
    }
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
