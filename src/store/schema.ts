// The catalog's schema and its migrations, keyed by `PRAGMA user_version`.
// Spec: https://www.sqlite.org/pragma.html#pragma_user_version
// Traps:
// - Migrations run inside one IMMEDIATE transaction that re-reads user_version, so two processes
//   opening a new store at once do not both migrate.
// - A newer schema is refused before that transaction: waiting for the write lock of a newer
//   wheelhouse at work ended in "database is locked" instead of CATALOG_TOO_NEW.
// - A migration is append-only: never edit a published step, add a new one.
// - yanked: NULL = not yanked, '' = yanked without a reason (PEP 592), else the reason.
// - project_statuses (PEP 792) holds only statuses other than "active", keyed by canonical name
//   whether or not the project holds files. It is additive: a read-only catalog of schema 1 is
//   still read, as one with no status (READABLE_FROM).
// - provenances (PEP 740) is keyed by the file's sha256, not its row: a row removed leaves an
//   orphan that readers never see (they join files) and gc deletes. Additive as well.

import type { Database } from "better-sqlite3";
import { quote, WheelhouseError } from "../pep/errors.js";

/** Each entry migrates from user_version = index to index + 1. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,          -- canonical (PEP 503)
    display_name TEXT NOT NULL          -- Name: as in the first core metadata seen
  );
  CREATE TABLE releases (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    version TEXT NOT NULL,              -- normalized (PEP 440)
    UNIQUE (project_id, version)
  );
  CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    filename TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    release_id INTEGER NOT NULL REFERENCES releases(id),
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    package_type TEXT NOT NULL CHECK (package_type IN ('bdist_wheel', 'sdist')),
    tags TEXT NOT NULL DEFAULT '',      -- space-separated expanded wheel tags
    requires_python TEXT,
    yanked TEXT,
    upload_time TEXT,                   -- RFC 3339, from upstream when known
    metadata_sha256 TEXT NOT NULL,
    metadata_size INTEGER NOT NULL,
    source TEXT NOT NULL,               -- index URL or local path
    added_at TEXT NOT NULL
  );
  CREATE INDEX files_project ON files (project_id);
  CREATE INDEX files_release ON files (release_id);
  CREATE INDEX files_sha256 ON files (sha256);
  CREATE INDEX files_metadata_sha256 ON files (metadata_sha256);
  `,
  `
  CREATE TABLE project_statuses (
    name TEXT PRIMARY KEY,              -- canonical (PEP 503); the project may hold no files
    status TEXT NOT NULL,               -- PEP 792 marker other than 'active'
    reason TEXT,                        -- free-form text of the index or the admin
    source TEXT NOT NULL,               -- 'local' (wheelhouse status) or the index root that stated it
    updated_at TEXT NOT NULL            -- RFC 3339
  );
  `,
  `
  CREATE TABLE provenances (
    sha256 TEXT PRIMARY KEY,            -- the distribution file's (a provenance is about content)
    body TEXT NOT NULL,                 -- the PEP 740 provenance object as its index served it
    publishers TEXT NOT NULL,           -- JSON array of the publishers it names (for list)
    source TEXT NOT NULL,               -- the URL it was fetched from, or 'import'
    fetched_at TEXT NOT NULL            -- RFC 3339
  );
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * The oldest schema this code can read without migrating (a read-only catalog): every later
 * migration only adds tables that readers treat as empty when missing.
 */
export const READABLE_FROM = 1;

/**
 * Bring the catalog `db` (at `path`, for messages) to {@link SCHEMA_VERSION}; returns it.
 * @throws WheelhouseError "CATALOG_TOO_NEW" when a newer wheelhouse wrote the catalog.
 */
export function migrate(db: Database, path: string): number {
  const current = () => db.pragma("user_version", { simple: true }) as number;
  const first = current();
  if (first === SCHEMA_VERSION) return SCHEMA_VERSION;
  // Refused before the write transaction: a newer wheelhouse may be writing (the lock would be
  // waited for, then reported as "database is locked"), or the catalog may be read-only.
  if (first > SCHEMA_VERSION) throw tooNew(path, first);
  db.transaction(() => {
    const from = current();
    if (from > SCHEMA_VERSION) throw tooNew(path, from);
    for (let v = from; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
  return current();
}

function tooNew(path: string, version: number): WheelhouseError {
  return new WheelhouseError(
    "CATALOG_TOO_NEW",
    `catalog ${quote(path)} has schema ${version}, this wheelhouse knows up to ${SCHEMA_VERSION}`,
    { hint: "upgrade wheelhouse" },
  );
}
