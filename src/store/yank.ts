// Keeping stored files' yank state in step with their index: a yank may be set, changed or
// rescinded after a file was stored, and a mirror must not offer a yanked file without its
// data-yanked (PEP 592, "Mirrors"). sync calls this for each project it reads from an index.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/#mirrors
// Traps:
// - Only files listed with the stored sha256 (or with none stated) change: a listing of other
//   bytes under a stored filename is not this file's state.
// - yanked is false or the reason, and "" is a yank without a reason (the catalog's NULL / '').

import { canonicalizeName } from "../pep/names.js";
import { prepared } from "./queries.js";
import type { Store } from "./store.js";

/** A file as an index lists it now: its filename, stated sha256 and yank state. */
export interface ListedYank {
  filename: string;
  /** Lowercase hex, when the index states it. */
  sha256?: string;
  /** false, or the yank reason ("" when yanked without one). */
  yanked: false | string;
}

/** A stored file whose yank state differs from its index's. */
export interface YankChange {
  filename: string;
  /** Canonical project name. */
  project: string;
  /** The stored state before. */
  was: false | string;
  /** The index's state now (the stored one after, unless a dry run). */
  yanked: false | string;
}

interface Row {
  filename: string;
  sha256: string;
  yanked: string | null;
}

/**
 * Compare the stored files of `project` (any spelling) with `listed`, the files its index lists,
 * and (unless `dryRun`) write the index's yank state into the catalog, in one transaction.
 * Files the index does not list, and projects the store does not hold, are left alone.
 * @returns the changes, in filename order ([] when none).
 * @throws SqliteError when the catalog cannot be written (read-only store, disk full).
 */
export function refreshYanked(
  store: Store,
  project: string,
  listed: Iterable<ListedYank>,
  options: { dryRun?: boolean } = {},
): YankChange[] {
  const name = canonicalizeName(project);
  const rows = prepared(
    store,
    `SELECT filename, sha256, yanked FROM files
     WHERE project_id = (SELECT id FROM projects WHERE name = ?) ORDER BY filename`,
  ).all(name) as Row[];
  if (rows.length === 0) return [];
  const byFilename = new Map<string, ListedYank>();
  for (const file of listed) byFilename.set(file.filename, file);
  const changes: YankChange[] = [];
  for (const row of rows) {
    const file = byFilename.get(row.filename);
    if (file === undefined) continue;
    if (file.sha256 !== undefined && file.sha256.toLowerCase() !== row.sha256) continue;
    const was = row.yanked ?? false;
    if (was !== file.yanked)
      changes.push({ filename: row.filename, project: name, was, yanked: file.yanked });
  }
  if (changes.length > 0 && !options.dryRun) {
    const update = prepared(store, "UPDATE files SET yanked = ? WHERE filename = ?");
    store.db.transaction(() => {
      for (const c of changes) update.run(c.yanked === false ? null : c.yanked, c.filename);
    })();
  }
  return changes;
}
