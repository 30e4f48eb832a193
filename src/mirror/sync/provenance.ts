// The provenance step of a sync: for each chosen file its index offers a PEP 740 provenance for
// (`provenance` in JSON, `data-provenance` in HTML), fetch that provenance object once, check that
// it is about that very file (name and sha256 of every attestation's statement) and keep it in
// the store beside the file, so that `serve` offers it on the far side of the air gap.
// Spec: https://packaging.python.org/en/latest/specifications/index-hosted-attestations/,
// https://packaging.python.org/en/latest/specifications/simple-repository-api/ (provenance)
// Traps:
// - A provenance is optional: failing to fetch or check one is a warning and a report entry,
//   never a failed sync, and the file stays stored either way. The next sync tries again.
// - Only files the store holds with the sha256 their index states get one, and a file whose
//   provenance is already kept costs no request (so a second sync asks for nothing).
// - PyPI's Integrity API answers `application/vnd.pypi.integrity.v1+json`; any JSON is taken.

import { WheelhouseError } from "../../pep/errors.js";
import { provenanceOf, recordProvenance } from "../../store/provenance.js";
import { findFile } from "../../store/queries.js";
import type { Store } from "../../store/store.js";
import type { HttpClient } from "../http/http-client.js";
import { redactUrl } from "../http/http-errors.js";
import type { Limit } from "../upstream/limit.js";
import type { TargetSelection } from "./plan.js";
import type { ProvenanceFailure, ProvenanceOutcome } from "./types.js";

const ACCEPT = "application/vnd.pypi.integrity.v1+json, application/json;q=0.9";

/**
 * Fetch and keep the provenance of every file of `selections` whose index offers one and that
 * the store holds without one, `limit` requests at a time.
 * @returns how many were kept, and each failure (also told to `onWarning`). Never throws.
 */
export async function fetchProvenances(
  store: Store,
  http: HttpClient,
  selections: TargetSelection[],
  limit: Limit,
  onWarning?: (message: string) => void,
): Promise<ProvenanceOutcome> {
  const wanted = new Map<string, { filename: string; sha256: string; url: string }>();
  for (const pkg of selections.flatMap((s) => s.packages)) {
    const { filename, provenance, sha256 } = pkg.file;
    if (typeof provenance !== "string" || sha256 === undefined || wanted.has(filename)) continue;
    const stored = findFile(store, filename);
    if (stored === undefined || stored.sha256 !== sha256.toLowerCase()) continue;
    if (provenanceOf(store, stored.sha256) !== undefined) continue;
    wanted.set(filename, { filename, sha256: stored.sha256, url: provenance });
  }
  const failed: ProvenanceFailure[] = [];
  let kept = 0;
  await Promise.all(
    [...wanted.values()].map((file) =>
      limit(async () => {
        try {
          const response = await http.fetchBytes(file.url, { headers: { Accept: ACCEPT } });
          recordProvenance(store, file, response.bytes, redactUrl(file.url));
          kept++;
        } catch (error) {
          const failure: ProvenanceFailure = {
            filename: file.filename,
            url: redactUrl(file.url),
            code: error instanceof WheelhouseError ? error.code : "PROVENANCE_FAILED",
            message: (error as Error)?.message ?? String(error),
          };
          failed.push(failure);
          onWarning?.(
            `${file.filename}: its provenance (PEP 740) was not kept: ${failure.message}; the file is stored without it`,
          );
        }
      }),
    ),
  );
  failed.sort((a, b) => a.filename.localeCompare(b.filename));
  return { kept, failed };
}
