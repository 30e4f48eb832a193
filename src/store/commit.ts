// Phase two of a write: the catalog rows of one project's staged files, in one IMMEDIATE
// transaction. Each file is added, found unchanged (same filename, same sha256: a no-op), or
// refused (FILENAME_CONFLICT, or its blob vanished); the others of the project still go in.
// Spec: https://www.sqlite.org/lang_transaction.html (IMMEDIATE takes the write lock up front,
// so a concurrent writer waits on busy_timeout instead of failing with SQLITE_BUSY mid-way)
// Trap: the blob check runs inside the transaction, right before the insert, so no row ever
// points at a missing blob (gc only removes blobs older than its grace period).

import { existsSync } from "node:fs";
import { quote, WheelhouseError } from "../pep/errors.js";
import { blobPathIn } from "./layout.js";
import { prepared } from "./queries.js";
import { filenameConflict } from "./stage.js";
import type { Store } from "./store.js";
import type { StagedFile, StoredFile } from "./types.js";

/** What became of one staged file. */
export type CommitResult =
  | { status: "added" | "unchanged"; file: StoredFile }
  | { status: "refused"; filename: string; error: WheelhouseError };

/**
 * Write the rows of `files` (all of one project) in one transaction; `now` stamps `addedAt`.
 * @returns one result per file, in order.
 * @throws WheelhouseError "MIXED_PROJECTS" when the files are of several projects.
 */
export function commitProject(
  store: Store,
  files: StagedFile[],
  now: Date = new Date(),
): CommitResult[] {
  if (files.length === 0) return [];
  const project = files[0].project;
  const other = files.find((f) => f.project !== project);
  if (other !== undefined) {
    throw new WheelhouseError(
      "MIXED_PROJECTS",
      `${quote(other.filename)} is not of project ${quote(project)}; commit one project at a time`,
    );
  }
  const addedAt = now.toISOString();
  const insertProject = prepared(
    store,
    "INSERT INTO projects (name, display_name) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
  );
  const projectId = prepared(store, "SELECT id FROM projects WHERE name = ?").pluck();
  const insertRelease = prepared(
    store,
    "INSERT INTO releases (project_id, version) VALUES (?, ?) ON CONFLICT DO NOTHING",
  );
  const releaseId = prepared(
    store,
    "SELECT id FROM releases WHERE project_id = ? AND version = ?",
  ).pluck();
  const existing = prepared(store, "SELECT sha256, added_at FROM files WHERE filename = ?");
  const insertFile = prepared(
    store,
    `INSERT INTO files (filename, project_id, release_id, sha256, size, package_type, tags,
       requires_python, yanked, upload_time, metadata_sha256, metadata_size, source, added_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return store.db
    .transaction((): CommitResult[] => {
      insertProject.run(project, files[0].displayName);
      const pid = projectId.get(project) as number;
      return files.map((staged): CommitResult => {
        const { displayName: _, ...file } = staged;
        const found = existing.get(file.filename) as
          | { sha256: string; added_at: string }
          | undefined;
        if (found !== undefined) {
          if (found.sha256 === file.sha256) {
            return { status: "unchanged", file: { ...file, addedAt: found.added_at } };
          }
          return {
            status: "refused",
            filename: file.filename,
            error: filenameConflict(file.filename, found.sha256, file.sha256),
          };
        }
        for (const sha of [file.sha256, file.metadataSha256]) {
          if (!existsSync(blobPathIn(store.layout, sha))) {
            return {
              status: "refused",
              filename: file.filename,
              error: new WheelhouseError(
                "BLOB_MISSING",
                `${quote(file.filename)}: blob ${sha} vanished before its row was written`,
                { hint: "stage the file again (was gc run with --grace 0 meanwhile?)" },
              ),
            };
          }
        }
        insertRelease.run(pid, file.version);
        const rid = releaseId.get(pid, file.version) as number;
        insertFile.run(
          file.filename,
          pid,
          rid,
          file.sha256,
          file.size,
          file.packageType,
          file.tags.join(" "),
          file.requiresPython ?? null,
          file.yanked === false ? null : file.yanked,
          file.uploadTime ?? null,
          file.metadataSha256,
          file.metadataSize,
          file.source,
          addedAt,
        );
        return { status: "added", file: { ...file, addedAt } };
      });
    })
    .immediate();
}

/** {@link commitProject} for files of any projects: one transaction per project; results grouped by project. */
export function commitFiles(store: Store, files: StagedFile[], now?: Date): CommitResult[] {
  const byProject = new Map<string, StagedFile[]>();
  for (const f of files) {
    const list = byProject.get(f.project) ?? [];
    list.push(f);
    byProject.set(f.project, list);
  }
  return [...byProject.values()].flatMap((group) => commitProject(store, group, now));
}
