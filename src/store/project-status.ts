// Project statuses (PEP 792) in the catalog: "archived", "quarantined", "deprecated" (no row means
// "active"), each with its reason and where it came from: an index whose page stated it (sync
// records it) or this store's admin (`wheelhouse status`). serve states them on the project's
// page, offers no file of a quarantined project and takes no upload for an archived or
// quarantined one; install and bundle pass over a quarantined project's stored files.
// Spec: https://packaging.python.org/en/latest/specifications/project-status-markers/
// Traps:
// - A local status wins: what an index states never replaces it, so an admin's quarantine holds
//   while the upstream still calls the project active. `wheelhouse status NAME active` removes
//   the local status (the next sync may record the index's again).
// - A catalog of schema 1 (read-only, older wheelhouse) has no table: every project is active.

import { quote, WheelhouseError } from "../pep/errors.js";
import { canonicalizeName, isValidName } from "../pep/names.js";
import { PROJECT_STATUSES, type ProjectStatus } from "../pep/simple-types.js";
import { checkedProjectName, prepared } from "./queries.js";
import type { Store } from "./store.js";

/** A status the catalog holds for a project. */
export interface StoredProjectStatus extends ProjectStatus {
  /** Canonical project name. */
  name: string;
  /** "local" (set with `wheelhouse status`) or the index root whose page stated it. */
  source: string;
  /** When it was recorded, RFC 3339 UTC. */
  updatedAt: string;
}

interface Row {
  name: string;
  status: string;
  reason: string | null;
  source: string;
  updated_at: string;
}

const hasTable = (store: Store) => store.schema === undefined || store.schema >= 2;

function toStatus(row: Row): StoredProjectStatus {
  return {
    name: row.name,
    status: row.status,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    source: row.source,
    updatedAt: row.updated_at,
  };
}

/** The status of project `name` (any spelling), or undefined when it is active. */
export function projectStatus(store: Store, name: string): StoredProjectStatus | undefined {
  if (!hasTable(store) || !isValidName(name)) return undefined;
  const row = prepared(store, "SELECT * FROM project_statuses WHERE name = ?").get(
    canonicalizeName(name),
  ) as Row | undefined;
  return row === undefined ? undefined : toStatus(row);
}

/** Every status other than active, by canonical name. */
export function listProjectStatuses(store: Store): StoredProjectStatus[] {
  if (!hasTable(store)) return [];
  return (prepared(store, "SELECT * FROM project_statuses ORDER BY name").all() as Row[]).map(
    toStatus,
  );
}

/** Canonical names of the quarantined projects. */
export function quarantinedProjects(store: Store): Set<string> {
  if (!hasTable(store)) return new Set();
  const rows = prepared(
    store,
    "SELECT name FROM project_statuses WHERE status = 'quarantined'",
  ).all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

function write(
  store: Store,
  name: string,
  status: ProjectStatus | undefined,
  source: string,
  now: Date,
): void {
  if (status === undefined || status.status === "active") {
    prepared(store, "DELETE FROM project_statuses WHERE name = ?").run(name);
    return;
  }
  prepared(
    store,
    `INSERT INTO project_statuses (name, status, reason, source, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET status = excluded.status, reason = excluded.reason,
       source = excluded.source, updated_at = excluded.updated_at`,
  ).run(name, status.status, status.reason ?? null, source, now.toISOString());
}

/**
 * Set this store's own status of project `name`, whatever an index says; "active" removes any
 * status (the next sync may record an index's again).
 * @throws WheelhouseError "INVALID_PROJECT_NAME" or "INVALID_PROJECT_STATUS" (not one of PEP
 *   792's four), quoting the input; SqliteError when the catalog cannot be written.
 */
export function setLocalProjectStatus(
  store: Store,
  name: string,
  status: ProjectStatus,
  now = new Date(),
): void {
  const key = checkedProjectName(name);
  const marker = status.status.trim().toLowerCase();
  if (!(PROJECT_STATUSES as readonly string[]).includes(marker)) {
    throw new WheelhouseError(
      "INVALID_PROJECT_STATUS",
      `project status ${quote(status.status)} is not one of PEP 792's`,
      { hint: `use ${PROJECT_STATUSES.join(", ")}` },
    );
  }
  // "active" deletes the row, an index's status as well as a local one.
  write(store, key, { ...status, status: marker }, "local", now);
}

/**
 * Record what the index at `index` states of project `name`, unless the store holds a local
 * status for it. Undefined or "active" removes a status that same index stated before (another
 * index's stays).
 * @returns true when the catalog changed.
 */
export function recordIndexStatus(
  store: Store,
  name: string,
  status: ProjectStatus | undefined,
  index: string,
  now = new Date(),
): boolean {
  if (!hasTable(store)) return false;
  const key = canonicalizeName(name);
  const current = projectStatus(store, key);
  if (current?.source === "local") return false;
  const active = status === undefined || status.status === "active";
  if (active && current?.source !== index) return false;
  if (
    !active &&
    current !== undefined &&
    current.status === status.status &&
    current.reason === status.reason &&
    current.source === index
  ) {
    return false;
  }
  write(store, key, active ? undefined : status, index, now);
  return true;
}
