// Disk usage from the catalog alone (no tree walk): per project and in total.
// Trap: the same bytes under two filenames are one blob; `blobSize` counts them once while the
// per-project sizes count each file.

import { listProjects } from "./queries.js";
import type { Store } from "./store.js";
import type { ProjectSummary } from "./types.js";

/** The outcome of {@link diskUsage}; sizes in bytes. */
export interface DiskUsage {
  files: number;
  /** Sum of file sizes. */
  size: number;
  /** Distinct distribution blobs and their total size. */
  blobs: number;
  blobSize: number;
  /** Total size of the distinct core metadata blobs. */
  metadataSize: number;
  projects: ProjectSummary[];
}

/** Total and per-project sizes as recorded in the catalog. */
export function diskUsage(store: Store): DiskUsage {
  const totals = store.db
    .prepare(
      `SELECT
         (SELECT COUNT(*) FROM files) AS files,
         (SELECT COALESCE(SUM(size), 0) FROM files) AS size,
         (SELECT COUNT(*) FROM (SELECT DISTINCT sha256 FROM files)) AS blobs,
         (SELECT COALESCE(SUM(size), 0) FROM (SELECT sha256, MAX(size) AS size FROM files GROUP BY sha256)) AS blobSize,
         (SELECT COALESCE(SUM(size), 0) FROM (SELECT metadata_sha256, MAX(metadata_size) AS size FROM files GROUP BY metadata_sha256)) AS metadataSize`,
    )
    .get() as Omit<DiskUsage, "projects">;
  return { ...totals, projects: listProjects(store) };
}
