// PEP 740 provenance objects (what an index serves at a file's `provenance` URL): their shape
// is checked, and every attestation's in-toto statement must be about this very file, so that
// a mirror never stores or serves one file's provenance for another.
// Spec: https://packaging.python.org/en/latest/specifications/index-hosted-attestations/
// (provenance, bundle, publisher and attestation objects) and the in-toto Statement v1,
// https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
// Traps:
// - Nothing here verifies Sigstore: a mirror has no trust root offline, so the certificate,
//   signature and transparency entries are only required to be there (they are opaque strings
//   and objects here). The summary says who published, never that it was proven.
// - Applications may add keys anywhere, and publisher kinds beyond GitHub, GitLab, Google and
//   ActiveState may come: unknown keys and kinds are accepted, not refused.
// - The statement is base64 of JSON, and Python's encoders may wrap base64 in newlines
//   (`base64.encodebytes`): whitespace inside it is skipped, both alphabets are accepted.
// - A subject name may spell the project differently from the index (`Foo_Bar-1.0.tar.gz`
//   against `foo-bar-1.0.tar.gz`): names compare lower-cased with runs of `-_.` as one `-`.
// - Every attestation must name the file, not just one: a bundle that mixes in a statement
//   about another file would otherwise ride along.

import { Buffer } from "node:buffer";
import { quote, WheelhouseError } from "./errors.js";

/** One Trusted Publisher identity of a provenance object, as the index stated it. */
export interface ProvenancePublisher {
  kind: string;
  /** "owner/name" for GitHub and GitLab, when stated. */
  repository?: string;
  /** The workflow file (GitHub `workflow`, GitLab `workflow_filepath`), when stated. */
  workflow?: string;
  environment?: string;
  /** Google's service account, when stated. */
  email?: string;
}

/** What a checked provenance object says. */
export interface ProvenanceSummary {
  publishers: ProvenancePublisher[];
  /** Attestations over all bundles (>= 1). */
  attestations: number;
  /** Distinct predicate types of the statements, in first-seen order. */
  predicateTypes: string[];
}

/** The `_type` of an in-toto v1 Statement. */
const STATEMENT_V1 = "https://in-toto.io/Statement/v1";

const SPEC = "https://packaging.python.org/en/latest/specifications/index-hosted-attestations/";
const INVALID_HINT = `a provenance URL serves a PEP 740 provenance object of version 1 (${SPEC})`;
const MISMATCH_HINT =
  "the index served attestations for another file; do not mirror this provenance, and tell " +
  "the index's operators";

type Json = Record<string, unknown>;

/**
 * Check a provenance object (the bytes or text served at a file's provenance URL) against the
 * file it is for. Only structure and subjects are checked, not Sigstore signatures.
 * @param body the provenance object as JSON text, or its UTF-8 bytes.
 * @param file the distribution file: its filename (e.g. `sampleproject-4.0.0.tar.gz`) and the
 *   sha256 of its bytes as hex (either case).
 * @returns the publishers (one per bundle, in bundle order), the number of attestations over
 *   all bundles, and the distinct predicate types in first-seen order.
 * @throws WheelhouseError "INVALID_PROVENANCE" (not JSON, not an object of version 1, no bundle,
 *   a bundle without publisher.kind or without attestations, an attestation not of version 1 or
 *   without verification_material.certificate / envelope.statement / envelope.signature
 *   strings, a statement that is not base64 of an in-toto v1 Statement JSON object with a
 *   non-empty subject list and a predicateType string), "PROVENANCE_MISMATCH" (some
 *   attestation's statement has no subject whose digest.sha256 equals `file.sha256` and whose
 *   name is the file's filename, names compared lower-cased with runs of `-`, `_`, `.` as `-`).
 *   Messages name the file, the path of the offending value and quote it, e.g.
 *   `provenance of "foo-1.0.tar.gz" is invalid: version is 2, not 1`, or
 *   `provenance of "foo-1.0.tar.gz" is for another file: attestation_bundles[0].attestations[0]
 *   is about "bar-1.0.tar.gz"`; both have a hint.
 */
export function checkProvenance(
  body: string | Uint8Array,
  file: { filename: string; sha256: string },
): ProvenanceSummary {
  const invalid = (why: string): WheelhouseError =>
    new WheelhouseError(
      "INVALID_PROVENANCE",
      `provenance of ${quote(file.filename)} is invalid: ${why}`,
      { hint: INVALID_HINT },
    );
  const root = parseJson(body, invalid);
  if (!isObject(root)) throw invalid(`it is ${shown(root)}, not a JSON object`);
  if (root.version !== 1) throw invalid(`version is ${shown(root.version)}, not 1`);
  const bundles = root.attestation_bundles;
  if (!Array.isArray(bundles) || bundles.length === 0) {
    throw invalid(`attestation_bundles is ${shown(bundles)}, not a list of at least one bundle`);
  }

  const summary: ProvenanceSummary = { publishers: [], attestations: 0, predicateTypes: [] };
  bundles.forEach((bundle: unknown, b) => {
    const at = `attestation_bundles[${b}]`;
    if (!isObject(bundle)) throw invalid(`${at} is ${shown(bundle)}, not an object`);
    summary.publishers.push(readPublisher(bundle.publisher, `${at}.publisher`, invalid));
    const attestations = bundle.attestations;
    if (!Array.isArray(attestations) || attestations.length === 0) {
      throw invalid(`${at}.attestations is ${shown(attestations)}, not a list of at least one`);
    }
    attestations.forEach((attestation: unknown, a) => {
      const statement = readAttestation(attestation, `${at}.attestations[${a}]`, invalid);
      checkSubject(statement, `${at}.attestations[${a}]`, file);
      if (!summary.predicateTypes.includes(statement.predicateType)) {
        summary.predicateTypes.push(statement.predicateType);
      }
      summary.attestations += 1;
    });
  });
  return summary;
}

/**
 * One line for people: "GitHub pypa/sampleproject (release.yml, environment pypi)",
 * "GitLab group/proj (.gitlab-ci.yml)", "Google sa@example.iam.gserviceaccount.com", or the
 * bare kind ("ActiveState") when nothing else is stated.
 */
export function describePublisher(publisher: ProvenancePublisher): string {
  const who = publisher.repository ?? publisher.email;
  const details: string[] = [];
  if (publisher.workflow !== undefined) details.push(publisher.workflow);
  if (publisher.environment !== undefined) details.push(`environment ${publisher.environment}`);
  const head = who === undefined ? publisher.kind : `${publisher.kind} ${who}`;
  return details.length === 0 ? head : `${head} (${details.join(", ")})`;
}

/** The parts of an in-toto v1 Statement this module reads. */
interface Statement {
  subjects: Json[];
  predicateType: string;
}

function parseJson(body: string | Uint8Array, invalid: (why: string) => Error): unknown {
  let text: string;
  if (typeof body === "string") {
    text = body.replace(/^\uFEFF/, "");
  } else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      throw invalid("it is not UTF-8 text");
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(`it is not JSON (${(e as Error).message}), it starts ${shown(text)}`);
  }
}

function readPublisher(
  value: unknown,
  at: string,
  invalid: (why: string) => Error,
): ProvenancePublisher {
  if (!isObject(value)) throw invalid(`${at} is ${shown(value)}, not an object`);
  const kind = value.kind;
  if (typeof kind !== "string" || kind === "") {
    throw invalid(`${at}.kind is ${shown(kind)}, not the name of a publisher kind`);
  }
  // Keys are read whatever the kind: a kind unknown today still shows what it states.
  const publisher: ProvenancePublisher = { kind };
  const repository = stated(value.repository);
  const workflow = stated(value.workflow) ?? stated(value.workflow_filepath);
  const environment = stated(value.environment);
  const email = stated(value.email);
  if (repository !== undefined) publisher.repository = repository;
  if (workflow !== undefined) publisher.workflow = workflow;
  if (environment !== undefined) publisher.environment = environment;
  if (email !== undefined) publisher.email = email;
  return publisher;
}

/** A publisher field as stated: a non-empty string, else undefined (PyPI writes null or ""). */
function stated(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function readAttestation(value: unknown, at: string, invalid: (why: string) => Error): Statement {
  if (!isObject(value)) throw invalid(`${at} is ${shown(value)}, not an object`);
  if (value.version !== 1) throw invalid(`${at}.version is ${shown(value.version)}, not 1`);
  const material = value.verification_material;
  if (!isObject(material)) {
    throw invalid(`${at}.verification_material is ${shown(material)}, not an object`);
  }
  requireString(material.certificate, `${at}.verification_material.certificate`, invalid);
  const envelope = value.envelope;
  if (!isObject(envelope)) throw invalid(`${at}.envelope is ${shown(envelope)}, not an object`);
  const encoded = requireString(envelope.statement, `${at}.envelope.statement`, invalid);
  requireString(envelope.signature, `${at}.envelope.signature`, invalid);
  return readStatement(encoded, `${at}.envelope.statement`, invalid);
}

function requireString(value: unknown, at: string, invalid: (why: string) => Error): string {
  if (typeof value !== "string" || value === "") {
    throw invalid(`${at} is ${shown(value)}, not a non-empty string`);
  }
  return value;
}

function readStatement(encoded: string, at: string, invalid: (why: string) => Error): Statement {
  const bytes = decodeBase64(encoded);
  if (bytes === undefined) throw invalid(`${at} is not base64: ${shown(encoded)}`);
  let statement: unknown;
  try {
    statement = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw invalid(`${at} is not base64 of JSON text: ${shown(encoded)}`);
  }
  if (!isObject(statement)) {
    throw invalid(`${at} decodes to ${shown(statement)}, not an in-toto Statement object`);
  }
  if (statement._type !== STATEMENT_V1) {
    throw invalid(
      `${at} is not an in-toto v1 Statement: its _type is ${shown(statement._type)}, not ` +
        quote(STATEMENT_V1),
    );
  }
  const subjects = statement.subject;
  if (!Array.isArray(subjects) || subjects.length === 0) {
    throw invalid(`${at}: the statement's subject is ${shown(subjects)}, not a non-empty list`);
  }
  subjects.forEach((subject: unknown, s) => {
    if (!isObject(subject)) {
      throw invalid(`${at}: the statement's subject[${s}] is ${shown(subject)}, not an object`);
    }
  });
  const predicateType = statement.predicateType;
  if (typeof predicateType !== "string" || predicateType === "") {
    throw invalid(`${at}: the statement's predicateType is ${shown(predicateType)}, not a URI`);
  }
  return { subjects: subjects as Json[], predicateType };
}

/**
 * Bytes of standard or URL-safe base64 (padding optional, whitespace skipped), or undefined.
 * Buffer.from alone would drop any character it does not know and decode the rest.
 */
function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\t\n\r ]+/g, "");
  const ok = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/.test(compact);
  const unpadded = compact.replace(/=+$/, "").length;
  if (!ok || unpadded % 4 === 1 || (compact.includes("=") && compact.length % 4 !== 0)) {
    return undefined;
  }
  return Buffer.from(compact, "base64");
}

/** Throws PROVENANCE_MISMATCH unless one subject has the file's name and sha256. */
function checkSubject(
  statement: Statement,
  at: string,
  file: { filename: string; sha256: string },
): void {
  const name = comparable(file.filename);
  const sha256 = file.sha256.toLowerCase();
  const named = statement.subjects.filter(
    (s) => typeof s.name === "string" && comparable(s.name) === name,
  );
  if (named.some((s) => sha256Of(s) === sha256)) return;
  const about =
    named.length > 0
      ? `is about ${quote(String(named[0].name))} with sha256 ${full(sha256Of(named[0]))}, ` +
        `not ${quote(sha256)}`
      : `is about ${statement.subjects.map(subjectName).join(", ")}`;
  throw new WheelhouseError(
    "PROVENANCE_MISMATCH",
    `provenance of ${quote(file.filename)} is for another file: ${at} ${about}`,
    { hint: MISMATCH_HINT },
  );
}

function subjectName(subject: Json): string {
  return typeof subject.name === "string" ? quote(subject.name) : "a subject without a name";
}

function sha256Of(subject: Json): string | undefined {
  const digest = subject.digest;
  if (!isObject(digest) || typeof digest.sha256 !== "string") return undefined;
  return digest.sha256.toLowerCase();
}

/** A filename as compared with a subject name: lower case, runs of `-_.` as one `-`. */
function comparable(filename: string): string {
  return filename.toLowerCase().replace(/[-_.]+/g, "-");
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value for a message: JSON, cut to 80 characters; "missing" for undefined. */
function shown(value: unknown): string {
  const text = full(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A value for a message in full (names and digests): JSON; "missing" for undefined. */
function full(value: unknown): string {
  return value === undefined ? "missing" : JSON.stringify(value);
}
