// PEP 740 provenance objects in the catalog: for a stored distribution file, the provenance its
// index served (the attestations of its Trusted Publisher), kept as served so that `serve` can
// offer it byte for byte on the air-gapped side, and `export` can carry it there.
// Spec: https://packaging.python.org/en/latest/specifications/index-hosted-attestations/
// Traps:
// - Nothing is kept that is not about the file: every attestation's statement must name the
//   file and its sha256 (pep/provenance.ts checkProvenance). Signatures are not verified here;
//   a client that trusts Sigstore verifies them, as it would against the upstream.
// - Rows are keyed by the file's sha256. A file row removed (`remove`, `verify --repair`) leaves
//   its provenance behind: every reader joins `files`, so it is never offered, and gc deletes it.
// - A catalog older than schema 3 (read-only, older wheelhouse) has no table: no provenance.

import {
  checkProvenance,
  type ProvenancePublisher,
  type ProvenanceSummary,
} from "../pep/provenance.js";
import { prepared } from "./queries.js";
import type { Store } from "./store.js";

/** A provenance object the catalog holds for a file. */
export interface StoredProvenance {
  /** The distribution file's sha256 (lower-case hex). */
  sha256: string;
  /** The provenance object (JSON text) as its index served it. */
  body: string;
  /** The Trusted Publishers it names. */
  publishers: ProvenancePublisher[];
  /** The URL it was fetched from, or "import" (it came in an archive). */
  source: string;
  /** When it was recorded, RFC 3339 UTC. */
  fetchedAt: string;
}

interface Row {
  sha256: string;
  body: string;
  publishers: string;
  source: string;
  fetched_at: string;
}

const hasTable = (store: Store) => store.schema === undefined || store.schema >= 3;

function toProvenance(row: Row): StoredProvenance {
  return {
    sha256: row.sha256,
    body: row.body,
    publishers: JSON.parse(row.publishers) as ProvenancePublisher[],
    source: row.source,
    fetchedAt: row.fetched_at,
  };
}

/**
 * Check `body` against `file` and keep it as the file's provenance (replacing one kept before).
 * `source`: the URL it came from, or "import".
 * @returns what it says (publishers, attestations).
 * @throws WheelhouseError "INVALID_PROVENANCE" / "PROVENANCE_MISMATCH" (pep/provenance.ts),
 *   and nothing is written.
 */
export function recordProvenance(
  store: Store,
  file: { filename: string; sha256: string },
  body: string | Uint8Array,
  source: string,
  now = new Date(),
): ProvenanceSummary {
  const summary = checkProvenance(body, file);
  const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
  prepared(
    store,
    `INSERT INTO provenances (sha256, body, publishers, source, fetched_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (sha256) DO UPDATE SET body = excluded.body, publishers = excluded.publishers,
       source = excluded.source, fetched_at = excluded.fetched_at`,
  ).run(
    file.sha256.toLowerCase(),
    text,
    JSON.stringify(summary.publishers),
    source,
    now.toISOString(),
  );
  return summary;
}

/** The provenance kept for the stored file with `sha256`, or undefined. */
export function provenanceOf(store: Store, sha256: string): StoredProvenance | undefined {
  if (!hasTable(store)) return undefined;
  const row = prepared(
    store,
    `SELECT p.* FROM provenances p WHERE p.sha256 = ?
       AND EXISTS (SELECT 1 FROM files f WHERE f.sha256 = p.sha256)`,
  ).get(sha256.toLowerCase()) as Row | undefined;
  return row === undefined ? undefined : toProvenance(row);
}

/** The sha256 of every file of `project` (canonical name) that has a provenance. */
export function attestedFiles(store: Store, project: string): Set<string> {
  if (!hasTable(store)) return new Set();
  const rows = prepared(
    store,
    `SELECT p.sha256 FROM provenances p JOIN files f ON f.sha256 = p.sha256
       JOIN projects pr ON pr.id = f.project_id WHERE pr.name = ?`,
  )
    .pluck()
    .all(project) as string[];
  return new Set(rows);
}

/** Every provenance kept for a stored file, ordered by sha256. */
export function* iterateProvenances(store: Store): Generator<StoredProvenance> {
  if (!hasTable(store)) return;
  const rows = prepared(
    store,
    `SELECT p.* FROM provenances p
       WHERE EXISTS (SELECT 1 FROM files f WHERE f.sha256 = p.sha256) ORDER BY p.sha256`,
  ).iterate() as IterableIterator<Row>;
  for (const row of rows) yield toProvenance(row);
}

/** Delete the provenances of files no row holds any more; returns how many. */
export function removeOrphanProvenances(store: Store): number {
  if (!hasTable(store) || store.readOnly) return 0;
  return prepared(
    store,
    "DELETE FROM provenances WHERE sha256 NOT IN (SELECT sha256 FROM files)",
  ).run().changes;
}

/**
 * The attestation identities (PEP 751 `packages.attestation-identities`) of the stored file
 * with `sha256`: each Trusted Publisher its provenance names, as the index stated it (`kind`
 * and its other string keys, e.g. GitHub's repository, workflow and environment; the nested
 * `claims` left out). [] when no provenance is kept.
 */
export function attestationIdentities(store: Store, sha256: string): Record<string, string>[] {
  const kept = provenanceOf(store, sha256);
  if (kept === undefined) return [];
  const raw = JSON.parse(kept.body) as { attestation_bundles?: { publisher?: unknown }[] };
  const identities: Record<string, string>[] = [];
  for (const bundle of raw.attestation_bundles ?? []) {
    const publisher = bundle.publisher as Record<string, unknown> | undefined;
    if (typeof publisher?.kind !== "string") continue;
    const identity: Record<string, string> = {};
    for (const [key, value] of Object.entries(publisher)) {
      if (typeof value === "string") identity[key] = value;
    }
    identities.push(identity);
  }
  return identities;
}
