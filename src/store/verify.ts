// Re-hash every blob the catalog references and report the files whose distribution or core
// metadata blob is missing or corrupt. With `repair`, a bad distribution loses its row (and the
// corrupt blob goes); a bad metadata blob is restored from its intact distribution.
// Spec (the idea): the store never claims a file it does not hold intact.
// Traps:
// - Several rows may share a blob (same bytes under two names): each blob is hashed once.
// - Rows are removed in one transaction that also drops releases and projects left empty.
// - Only ENOENT means "missing". A blob that cannot be read (EACCES, EIO, ...) is reported as
//   "unreadable" with the error and never repaired: its bytes may be intact.

import { rm } from "node:fs/promises";
import { hashFile, putBlob } from "./blobs.js";
import { inspectDistribution } from "./inspect.js";
import { blobPathIn } from "./layout.js";
import type { Store } from "./store.js";

/** One bad file. `blob` says which of its blobs is bad. */
export interface VerifyProblem {
  filename: string;
  project: string;
  blob: "distribution" | "metadata";
  /**
   * "missing" (no such file), "corrupt" (other bytes), or "unreadable" (the blob could not be
   * read: permissions, I/O error; `error` says which). Repair never touches an unreadable blob:
   * it may well be intact.
   */
  problem: "missing" | "corrupt" | "unreadable";
  /** For "unreadable": the operating system's error, e.g. "EACCES: permission denied". */
  error?: string;
  sha256: string;
  /** With repair: "removed" (row dropped) or "restored" (metadata blob rewritten). */
  repaired?: "removed" | "restored";
}

/** The outcome of {@link verifyStore}. */
export interface VerifyReport {
  files: number;
  blobs: number;
  /** Bytes re-hashed. */
  bytes: number;
  problems: VerifyProblem[];
}

/** Options of {@link verifyStore}. */
export interface VerifyOptions {
  repair?: boolean;
  /** Called after each blob with (blobs done, blobs total). */
  onProgress?: (done: number, total: number) => void;
}

interface Row {
  filename: string;
  project: string;
  sha256: string;
  size: number;
  metadata_sha256: string;
  metadata_size: number;
}

/** What re-hashing one blob found; `error` (the OS error) only for "unreadable". */
interface BlobCheck {
  state: "ok" | "missing" | "corrupt" | "unreadable";
  error?: string;
}

/**
 * Check every blob the catalog references; see {@link VerifyReport}. Problems are data, not
 * exceptions: a non-empty `problems` means the caller should exit non-zero.
 */
export async function verifyStore(
  store: Store,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const rows = store.db
    .prepare(
      `SELECT f.filename, p.name AS project, f.sha256, f.size, f.metadata_sha256, f.metadata_size
       FROM files f JOIN projects p ON p.id = f.project_id ORDER BY f.filename`,
    )
    .all() as Row[];
  const expected = new Map<string, number>();
  for (const r of rows) {
    expected.set(r.sha256, r.size);
    expected.set(r.metadata_sha256, r.metadata_size);
  }
  const checks = new Map<string, BlobCheck>();
  let bytes = 0;
  let done = 0;
  const queue = [...expected.entries()];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const [sha, size] = item;
      try {
        const got = await hashFile(blobPathIn(store.layout, sha));
        bytes += got.size;
        checks.set(sha, { state: got.sha256 === sha && got.size === size ? "ok" : "corrupt" });
      } catch (error) {
        checks.set(
          sha,
          (error as NodeJS.ErrnoException).code === "ENOENT"
            ? { state: "missing" }
            : { state: "unreadable", error: (error as Error).message },
        );
      }
      options.onProgress?.(++done, expected.size);
    }
  };
  await Promise.all([worker(), worker()]);

  const problems: VerifyProblem[] = [];
  const removeRows: string[] = [];
  const removeBlobs = new Set<string>();
  for (const r of rows) {
    const dist = checks.get(r.sha256)!;
    const meta = checks.get(r.metadata_sha256)!;
    // Repair never touches an unreadable blob: its bytes may be intact.
    if (dist.state !== "ok") {
      const p = problemOf(r, "distribution", r.sha256, dist);
      if (options.repair && dist.state !== "unreadable") {
        p.repaired = "removed";
        removeRows.push(r.filename);
        if (dist.state === "corrupt") removeBlobs.add(r.sha256);
      }
      problems.push(p);
    } else if (meta.state !== "ok") {
      const p = problemOf(r, "metadata", r.metadata_sha256, meta);
      if (options.repair && meta.state !== "unreadable") {
        p.repaired = (await restoreMetadata(store, r)) ? "restored" : "removed";
        if (p.repaired === "removed") removeRows.push(r.filename);
      }
      problems.push(p);
    }
  }
  if (removeRows.length > 0) removeFileRows(store, removeRows);
  for (const sha of removeBlobs) await rm(blobPathIn(store.layout, sha), { force: true });
  return { files: rows.length, blobs: expected.size, bytes, problems };
}

function problemOf(
  r: Row,
  blob: VerifyProblem["blob"],
  sha256: string,
  check: BlobCheck,
): VerifyProblem {
  return {
    filename: r.filename,
    project: r.project,
    blob,
    problem: check.state as VerifyProblem["problem"],
    ...(check.error !== undefined ? { error: check.error } : {}),
    sha256,
  };
}

async function restoreMetadata(store: Store, r: Row): Promise<boolean> {
  try {
    const inspected = await inspectDistribution(blobPathIn(store.layout, r.sha256), r.filename);
    await rm(blobPathIn(store.layout, r.metadata_sha256), { force: true });
    await putBlob(store, inspected.metadataBytes, {
      label: `${r.filename}.metadata`,
      sha256: r.metadata_sha256,
      size: r.metadata_size,
    });
    return true;
  } catch {
    return false;
  }
}

/** Delete the rows of these filenames, and releases and projects left without files. */
export function removeFileRows(store: Store, filenames: string[]): void {
  const del = store.db.prepare("DELETE FROM files WHERE filename = ?");
  store.db
    .transaction(() => {
      for (const f of filenames) del.run(f);
      store.db.exec(
        `DELETE FROM releases WHERE NOT EXISTS (SELECT 1 FROM files WHERE release_id = releases.id);
         DELETE FROM projects WHERE NOT EXISTS (SELECT 1 FROM files WHERE project_id = projects.id);`,
      );
    })
    .immediate();
}
