// Export the store, or what it holds beyond a previous bundle or export, as an archive in the
// bundle format (without install scripts: an export carries a mirror, not an environment).
// Spec: docs/bundle.md (layout, deltas).
// Traps:
// - A delta leaves out a file when the base recorded the same filename with the same sha256;
//   a filename the base recorded with other bytes is kept, and import will refuse it loudly.
// - The base is identified in the delta's inputs by its manifest's sha256, so a chain of
//   increments can be checked by eye; import itself does not require the base.
// - Project statuses (PEP 792) go whole into every export, deltas too: import sets those listed
//   and lifts the ones an earlier import set that are no longer listed.
// - Provenance objects (PEP 740) go with their files; a delta also carries one the base did not
//   record (a file stored before its index offered one), for a file the base carried.

import { createHash } from "node:crypto";
import { basename } from "node:path";
import {
  iterateFiles,
  listProjectStatuses,
  type Store,
  type StoredFile,
} from "../../store/index.js";
import { iterateProvenances } from "../../store/provenance.js";
import { formatManifest } from "./manifest.js";
import { type PackReport, packArchive, readManifestFrom } from "./pack.js";

/** Options of {@link exportStore}. */
export interface ExportOptions {
  /** The .tar.gz to write. */
  output: string;
  /**
   * Earlier archives (.tar.gz) or their manifest.json: export only what none of them recorded.
   * A delta records only its own new files, so a chain is given whole: the base and its deltas.
   */
  since?: string[];
  /** The wheelhouse version, recorded in the manifest. */
  toolVersion: string;
}

/**
 * Write every file of `store` (or the delta since `options.since`) to `options.output`.
 * @returns the written archive's manifest, sha256 and size.
 * @throws WheelhouseError of readManifestFrom for a bad `since`; those of packArchive.
 */
export async function exportStore(store: Store, options: ExportOptions): Promise<PackReport> {
  let files: StoredFile[] = [...iterateFiles(store)];
  const filenames = new Map(files.map((f) => [f.sha256, f.filename]));
  let provenances = [...iterateProvenances(store)].flatMap((p) => {
    const filename = filenames.get(p.sha256);
    return filename === undefined ? [] : [{ filename, body: p.body }];
  });
  const inputs: Record<string, unknown> = {};
  const since = options.since ?? [];
  if (since.length > 0) {
    const recorded = new Set<string>();
    const recordedProvenances = new Set<string>();
    const bases: Record<string, unknown>[] = [];
    for (const path of since) {
      const base = await readManifestFrom(path);
      for (const f of base.files) recorded.add(`${f.filename}\0${f.sha256}`);
      for (const p of base.provenances ?? []) recordedProvenances.add(`${p.filename}\0${p.sha256}`);
      bases.push({
        name: basename(path),
        manifestSha256: createHash("sha256").update(formatManifest(base)).digest("hex"),
        files: base.files.length,
      });
    }
    files = files.filter((f) => !recorded.has(`${f.filename}\0${f.sha256}`));
    provenances = provenances.filter(
      (p) => !recordedProvenances.has(`${p.filename}\0${sha256Of(p.body)}`),
    );
    // One base keeps the shape earlier archives recorded; a chain records a list.
    inputs.since = bases.length === 1 ? bases[0] : bases;
  }
  const readme = [
    "wheelhouse export",
    "",
    `${files.length} distribution files under wheels/, listed with sha256 and size in manifest.json.`,
    provenances.length > 0
      ? `${provenances.length} provenance objects (PEP 740 attestations) under provenance/.`
      : "",
    since.length > 0 ? "This is a delta: import the archives it was made against first." : "",
    "",
    "Load it into a store (every file is checked before the catalog sees it):",
    "  wheelhouse import THIS.tar.gz --store DIR",
    "",
  ].join("\n");
  return packArchive(
    store,
    options.output,
    {
      kind: "export",
      tool: { name: "wheelhouse", version: options.toolVersion },
      inputs,
      targets: [],
      projectStatuses: listProjectStatuses(store).map((s) => ({
        name: s.name,
        status: s.status,
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
      })),
    },
    [{ path: "README.txt", text: readme }],
    files,
    provenances,
  );
}

function sha256Of(text: string): string {
  return createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");
}
