// Load a bundle or export into a store, all or nothing: every member is checked against the
// manifest (sha256 and size) while it streams into the store's blobs, and the catalog sees the
// files only once every one of them passed, in one transaction.
// Spec: the archive layout of docs/bundle.md; the store's two-phase write (stage, then commit).
// Traps:
// - manifest.json must be the first member: without it nothing can be checked while streaming,
//   and buffering a multi-GB archive to check it afterwards is what we avoid.
// - A refused import may leave staged blobs behind; no row points at them and `wheelhouse gc`
//   removes them once they are older than its grace period.
// - Members that are not in the manifest are refused (something was slipped in), and so are
//   manifest entries that never arrive (truncated or cut down).
// - What the other side learnt later travels too: a file already stored takes the yank state the
//   manifest gives it (absent = not yanked), and an export's project statuses (PEP 792) are set,
//   with source "import", and those an earlier import set that the list no longer has are
//   lifted. A status set here with `wheelhouse status` is never replaced.
// - A provenance object (PEP 740) is checked twice before the catalog sees anything: against the
//   manifest's sha256, and (pep/provenance.ts) against the distribution it is about, which the
//   archive or the store must hold (a delta's base imported first).

import { createHash } from "node:crypto";
import { basename } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { checkProvenance } from "../../pep/provenance.js";
import {
  commitFiles,
  findFile,
  listProjectStatuses,
  recordIndexStatus,
  refreshYanked,
  type StagedFile,
  type Store,
  type StoredFile,
  stageDistribution,
  type YankChange,
} from "../../store/index.js";
import { recordProvenance } from "../../store/provenance.js";
import {
  type Manifest,
  type ManifestDocument,
  type ManifestProvenance,
  parseManifest,
} from "./manifest.js";
import { type ArchiveMember, readArchive, readMember } from "./tar-reader.js";

/** The largest manifest.json or generated document read into memory, in bytes. */
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** What {@link importArchive} did. */
export interface ImportReport {
  manifest: Manifest;
  added: StoredFile[];
  unchanged: StoredFile[];
  /** Files already stored whose yank state the manifest changed. */
  yankChanges: YankChange[];
  /** Project statuses set or lifted from an export's list (count). */
  statusChanges: number;
  /** Provenance objects (PEP 740) kept for the archive's distributions (count). */
  provenances: number;
}

/** The source recorded for a project status an import set. */
export const IMPORT_STATUS_SOURCE = "import";

/**
 * Verify the archive at `path` and add its distributions to `store`.
 * @throws WheelhouseError, naming the archive and the member, and leaving the catalog unchanged:
 *   "MANIFEST_MISSING" (manifest.json is not the first member), "INVALID_MANIFEST",
 *   "UNSAFE_ENTRY", "UNEXPECTED_ENTRY" (not in the manifest, or twice), "HASH_MISMATCH",
 *   "SIZE_MISMATCH", "CORRUPT_ARCHIVE" (truncated or damaged), "BUNDLE_INCOMPLETE" (a manifest
 *   entry is missing), "FILENAME_CONFLICT" (the store has that filename with other bytes), and
 *   the store's errors for broken distributions.
 */
export async function importArchive(store: Store, path: string): Promise<ImportReport> {
  const label = basename(path);
  let manifest: Manifest | undefined;
  const expected = new Map<
    string,
    ManifestDocument | Manifest["files"][number] | ManifestProvenance
  >();
  const staged: StagedFile[] = [];
  /** Provenance bodies by distribution filename, checked against the manifest's sha256. */
  const provenances = new Map<string, Buffer>();
  const seen = new Set<string>();

  const refuse = (code: string, message: string, cause?: unknown) =>
    new WheelhouseError(code, `${quote(label)}: ${message}`, {
      hint: "nothing was imported; copy the archive again from a good source",
      ...(cause !== undefined ? { cause } : {}),
    });

  let manifestRead: Promise<void> | undefined;
  await readArchive(path, label, (member) => {
    if (manifestRead === undefined) {
      if (member.path !== "manifest.json") {
        member.stream.resume();
        return Promise.reject(
          refuse(
            "MANIFEST_MISSING",
            `the first member is ${quote(member.path)}, not manifest.json`,
          ),
        );
      }
      manifestRead = readMember(member, MAX_DOCUMENT_BYTES).then((bytes) => {
        manifest = parseManifest(bytes.toString("utf8"), label);
        for (const e of [...manifest.documents, ...manifest.files, ...(manifest.provenances ?? [])])
          expected.set(e.path, e);
      });
      return manifestRead;
    }
    // The next member may arrive before the manifest is parsed; its bytes wait (backpressure).
    return manifestRead.then(() => onMember(member));
  });

  function onMember(member: ArchiveMember): Promise<void> {
    const entry = expected.get(member.path);
    if (entry === undefined || seen.has(member.path)) {
      member.stream.resume();
      const why = entry === undefined ? "is not listed in manifest.json" : "appears twice";
      return Promise.reject(refuse("UNEXPECTED_ENTRY", `${quote(member.path)} ${why}`));
    }
    seen.add(member.path);
    if (member.size !== entry.size) {
      member.stream.resume();
      return Promise.reject(
        refuse(
          "SIZE_MISMATCH",
          `${quote(member.path)} is ${member.size} bytes; manifest.json says ${entry.size}`,
        ),
      );
    }
    if (!("filename" in entry)) return checkDocument(member.path, entry, member.stream);
    if (!("project" in entry)) {
      return readMember(member, MAX_DOCUMENT_BYTES).then((bytes) => {
        checkBytes(member.path, entry, bytes);
        provenances.set(entry.filename, bytes);
      });
    }
    const known = findFile(store, entry.filename);
    if (known !== undefined && known.sha256 !== entry.sha256) {
      member.stream.resume();
      return Promise.reject(
        refuse(
          "FILENAME_CONFLICT",
          `${quote(entry.filename)} is already stored with sha256 ${known.sha256}; the archive has ${entry.sha256}`,
        ),
      );
    }
    return stageDistribution(store, member.stream, {
      filename: entry.filename,
      sha256: entry.sha256,
      size: entry.size,
      source: `bundle:${label}`,
      yanked: entry.yanked ?? false,
      ...(entry.requiresPython !== undefined ? { requiresPython: entry.requiresPython } : {}),
      ...(entry.uploadTime !== undefined ? { uploadTime: entry.uploadTime } : {}),
    }).then(
      (file) => {
        staged.push(file);
      },
      (error: unknown) => {
        const e = error as WheelhouseError;
        throw refuse(e.code ?? "IMPORT_FAILED", `${quote(member.path)}: ${e.message}`, error);
      },
    );
  }

  if (manifest === undefined) {
    throw refuse("MANIFEST_MISSING", "the archive is empty (no manifest.json)");
  }
  const missing = [...expected.keys()].filter((p) => !seen.has(p));
  if (missing.length > 0) {
    throw refuse(
      "BUNDLE_INCOMPLETE",
      `${quote(missing[0])}${missing.length > 1 ? ` and ${missing.length - 1} more` : ""} listed in manifest.json ${missing.length > 1 ? "are" : "is"} missing from the archive`,
    );
  }
  const files = new Map(manifest.files.map((f) => [f.filename, f.sha256]));
  const attested = [...provenances].map(([filename, body]) => {
    const sha256 = files.get(filename) ?? findFile(store, filename)?.sha256;
    if (sha256 === undefined) {
      throw refuse(
        "PROVENANCE_WITHOUT_FILE",
        `provenance/${filename}.json is about ${quote(filename)}, which neither the archive nor the store holds`,
      );
    }
    try {
      checkProvenance(body, { filename, sha256 });
    } catch (error) {
      const e = error as WheelhouseError;
      throw refuse(e.code, `provenance/${filename}.json: ${e.message}`, error);
    }
    return { file: { filename, sha256 }, body };
  });
  const committed = commitAll(store, staged, refuse);
  for (const a of attested) recordProvenance(store, a.file, a.body, IMPORT_STATUS_SOURCE);
  return {
    manifest,
    ...committed,
    ...applyLaterFacts(store, manifest, committed.unchanged),
    provenances: attested.length,
  };
}

/**
 * The manifest's yank states for files that were already stored, and an export's project
 * statuses, written into the catalog (see Traps).
 */
function applyLaterFacts(
  store: Store,
  manifest: Manifest,
  unchanged: StoredFile[],
): { yankChanges: YankChange[]; statusChanges: number } {
  const listed = new Map(manifest.files.map((f) => [f.filename, f]));
  const byProject = new Map<
    string,
    { filename: string; sha256: string; yanked: false | string }[]
  >();
  for (const file of unchanged) {
    const entry = listed.get(file.filename);
    if (entry === undefined) continue;
    const files = byProject.get(file.project) ?? [];
    files.push({ filename: entry.filename, sha256: entry.sha256, yanked: entry.yanked ?? false });
    byProject.set(file.project, files);
  }
  const yankChanges = [...byProject].flatMap(([project, files]) =>
    refreshYanked(store, project, files),
  );
  let statusChanges = 0;
  if (manifest.projectStatuses !== undefined) {
    const names = new Set<string>();
    for (const s of manifest.projectStatuses) {
      names.add(s.name);
      const status = { status: s.status, ...(s.reason !== undefined ? { reason: s.reason } : {}) };
      if (recordIndexStatus(store, s.name, status, IMPORT_STATUS_SOURCE)) statusChanges++;
    }
    for (const s of listProjectStatuses(store)) {
      if (s.source !== IMPORT_STATUS_SOURCE || names.has(s.name)) continue;
      if (recordIndexStatus(store, s.name, undefined, IMPORT_STATUS_SOURCE)) statusChanges++;
    }
  }
  return { yankChanges, statusChanges };
}

/** `bytes` must have the sha256 `entry` gives (its size was checked from the tar header). */
function checkBytes(path: string, entry: { sha256: string }, bytes: Buffer): void {
  const got = createHash("sha256").update(bytes).digest("hex");
  if (got !== entry.sha256) {
    throw new WheelhouseError(
      "HASH_MISMATCH",
      `${quote(path)} has sha256 ${got}; manifest.json says ${entry.sha256}`,
      { hint: "nothing was imported; copy the archive again from a good source" },
    );
  }
}

async function checkDocument(
  path: string,
  entry: ManifestDocument,
  stream: NodeJS.ReadableStream,
): Promise<void> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  const got = hash.digest("hex");
  if (got !== entry.sha256) {
    throw new WheelhouseError(
      "HASH_MISMATCH",
      `${quote(path)} has sha256 ${got}; manifest.json says ${entry.sha256}`,
      { hint: "nothing was imported; copy the archive again from a good source" },
    );
  }
}

/** Commit every staged file in one transaction; any refusal rolls all of them back. */
function commitAll(
  store: Store,
  staged: StagedFile[],
  refuse: (code: string, message: string, cause?: unknown) => WheelhouseError,
): { added: StoredFile[]; unchanged: StoredFile[] } {
  const sorted = [...staged].sort((a, b) => (a.filename < b.filename ? -1 : 1));
  return store.db
    .transaction(() => {
      const added: StoredFile[] = [];
      const unchanged: StoredFile[] = [];
      for (const result of commitFiles(store, sorted)) {
        if (result.status === "refused") {
          throw refuse(result.error.code, result.error.message, result.error);
        }
        (result.status === "added" ? added : unchanged).push(result.file);
      }
      return { added, unchanged };
    })
    .immediate();
}
