// Read-only catalog queries: projects, one project's files, one file by filename. These are what
// `serve` runs per request, so each is one indexed statement, prepared once per connection.
// Spec: https://www.sqlite.org/queryplanner.html (files_project / UNIQUE indexes)
// Trap: project names are canonicalized here, so callers may pass any spelling.

import type { Statement } from "better-sqlite3";
import { quote, WheelhouseError } from "../pep/errors.js";
import { canonicalizeName, isValidName } from "../pep/names.js";
import type { Store } from "./store.js";
import type { PackageType, ProjectSummary, StoredFile } from "./types.js";

/** A files row joined with its project and release, as SELECTed by {@link FILE_COLUMNS}. */
export interface FileRow {
  filename: string;
  project: string;
  version: string;
  sha256: string;
  size: number;
  package_type: PackageType;
  tags: string;
  requires_python: string | null;
  yanked: string | null;
  upload_time: string | null;
  metadata_sha256: string;
  metadata_size: number;
  source: string;
  added_at: string;
}

/** The SELECT list and joins that produce a {@link FileRow}; alias f = files. */
export const FILE_COLUMNS = `f.filename, p.name AS project, r.version, f.sha256, f.size,
  f.package_type, f.tags, f.requires_python, f.yanked, f.upload_time, f.metadata_sha256,
  f.metadata_size, f.source, f.added_at
  FROM files f JOIN projects p ON p.id = f.project_id JOIN releases r ON r.id = f.release_id`;

/** Map a catalog row to the API shape. */
export function toStoredFile(row: FileRow): StoredFile {
  return {
    filename: row.filename,
    project: row.project,
    version: row.version,
    sha256: row.sha256,
    size: row.size,
    packageType: row.package_type,
    tags: row.tags === "" ? [] : row.tags.split(" "),
    ...(row.requires_python !== null ? { requiresPython: row.requires_python } : {}),
    yanked: row.yanked ?? false,
    ...(row.upload_time !== null ? { uploadTime: row.upload_time } : {}),
    metadataSha256: row.metadata_sha256,
    metadataSize: row.metadata_size,
    source: row.source,
    addedAt: row.added_at,
  };
}

const cache = new WeakMap<Store, Map<string, Statement>>();

/** A statement prepared once per open store. */
export function prepared(store: Store, sql: string): Statement {
  let map = cache.get(store);
  if (map === undefined) {
    map = new Map();
    cache.set(store, map);
  }
  let statement = map.get(sql);
  if (statement === undefined) {
    statement = store.db.prepare(sql);
    map.set(sql, statement);
  }
  return statement;
}

function canonical(name: string): string | undefined {
  return isValidName(name) ? canonicalizeName(name) : undefined;
}

/**
 * The canonical form of a project name given on the command line, for commands that act on it.
 * @throws WheelhouseError "INVALID_PROJECT_NAME" quoting it when it is not a valid name.
 */
export function checkedProjectName(name: string): string {
  const key = canonical(name);
  if (key === undefined) {
    throw new WheelhouseError("INVALID_PROJECT_NAME", `project name ${quote(name)} is invalid`, {
      hint: "a name has letters, digits, '.', '-' and '_'",
    });
  }
  return key;
}

/** Every project with its file count and size, sorted by canonical name. */
export function listProjects(store: Store): ProjectSummary[] {
  return prepared(
    store,
    `SELECT p.name, p.display_name AS displayName, COUNT(f.id) AS files,
       COALESCE(SUM(f.size), 0) AS size
     FROM projects p LEFT JOIN files f ON f.project_id = p.id
     GROUP BY p.id ORDER BY p.name`,
  ).all() as ProjectSummary[];
}

/** The project named `name` (any spelling), or undefined; invalid names are simply absent. */
export function findProject(
  store: Store,
  name: string,
): { name: string; displayName: string } | undefined {
  const key = canonical(name);
  if (key === undefined) return undefined;
  return prepared(
    store,
    "SELECT name, display_name AS displayName FROM projects WHERE name = ?",
  ).get(key) as { name: string; displayName: string } | undefined;
}

/**
 * Every file of project `name` (any spelling), ordered by filename; [] when unknown.
 * Version order (PEP 440) is the caller's: sort with compareVersions when needed.
 */
export function listFiles(store: Store, name: string): StoredFile[] {
  const key = canonical(name);
  if (key === undefined) return [];
  const rows = prepared(
    store,
    `SELECT ${FILE_COLUMNS} WHERE f.project_id = (SELECT id FROM projects WHERE name = ?)
     ORDER BY f.filename`,
  ).all(key) as FileRow[];
  return rows.map(toStoredFile);
}

/** The file with exactly this filename, or undefined. */
export function findFile(store: Store, filename: string): StoredFile | undefined {
  const row = prepared(store, `SELECT ${FILE_COLUMNS} WHERE f.filename = ?`).get(filename) as
    | FileRow
    | undefined;
  return row === undefined ? undefined : toStoredFile(row);
}

/** Every file of the store, ordered by project then filename (iterated, not loaded at once). */
export function* iterateFiles(store: Store): Generator<StoredFile> {
  const statement = store.db.prepare(`SELECT ${FILE_COLUMNS} ORDER BY p.name, f.filename`);
  for (const row of statement.iterate() as IterableIterator<FileRow>) yield toStoredFile(row);
}
