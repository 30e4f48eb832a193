// Test helper: PEP 740 provenance objects built in code, as an index would serve them at a
// file's provenance URL. The certificate and signature are fake base64 (wheelhouse does not
// verify Sigstore); the statement is a real in-toto v1 Statement about the given file.
// Spec: https://packaging.python.org/en/latest/specifications/index-hosted-attestations/
import { Buffer } from "node:buffer";

/** The predicate type of PyPI's publish attestations. */
export const PYPI_PUBLISH_V1 = "https://docs.pypi.org/attestations/publish/v1";

/** Options of {@link makeProvenance}; each defaults to what makes a well-formed, matching object. */
export interface MakeProvenanceOptions {
  /** The bundle's publisher object; default a GitHub publisher of pypa/sampleproject. */
  publisher?: Record<string, unknown>;
  /** The statement's subject name; default `file.filename`. */
  subjectName?: string;
  /** The statement's subject sha256 (hex); default `file.sha256`. */
  subjectSha256?: string;
  /** The statement's predicateType; default PyPI's publish/v1. */
  predicateType?: string;
}

/**
 * The JSON text of a provenance object with one bundle and one attestation whose statement is
 * about `file` (unless the options say otherwise).
 */
export function makeProvenance(
  file: { filename: string; sha256: string },
  options: MakeProvenanceOptions = {},
): string {
  const statement = {
    _type: "https://in-toto.io/Statement/v1",
    subject: [
      {
        name: options.subjectName ?? file.filename,
        digest: { sha256: options.subjectSha256 ?? file.sha256 },
      },
    ],
    predicateType: options.predicateType ?? PYPI_PUBLISH_V1,
    predicate: null,
  };
  const provenance = {
    version: 1,
    attestation_bundles: [
      {
        publisher: options.publisher ?? {
          kind: "GitHub",
          repository: "pypa/sampleproject",
          workflow: "release.yml",
          environment: "pypi",
          claims: null,
        },
        attestations: [
          {
            version: 1,
            verification_material: {
              certificate: Buffer.from("fake DER certificate").toString("base64"),
              transparency_entries: [{ logIndex: "1", kindVersion: { kind: "dsse" } }],
            },
            envelope: {
              statement: Buffer.from(JSON.stringify(statement)).toString("base64"),
              signature: Buffer.from("fake signature").toString("base64"),
            },
          },
        ],
      },
    ],
  };
  return JSON.stringify(provenance);
}
