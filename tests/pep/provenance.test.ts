// PEP 740 provenance objects: structure, and statements about this very file
// (https://packaging.python.org/en/latest/specifications/index-hosted-attestations/).
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { checkProvenance, describePublisher } from "../../src/pep/provenance.js";
import { errorOf } from "../helpers/error-of.js";
import { makeProvenance, PYPI_PUBLISH_V1 } from "../helpers/provenance.js";

const FILE = {
  filename: "sampleproject-4.0.0.tar.gz",
  sha256: "0ace7e4d8d9d8e5b1c4b1d7bd1a6e1a1a3e6d5b0f1c2d3e4f5a6b7c8d9e0f1a2",
};
const OTHER_SHA256 = "f".repeat(64);
const SLSA = "https://slsa.dev/provenance/v1";

/** The provenance object of `makeProvenance(FILE)` as plain JSON, to take apart and edit. */
// biome-ignore lint/suspicious/noExplicitAny: tests break the shape on purpose
function base(): any {
  return JSON.parse(makeProvenance(FILE));
}

/** JSON text of the base object after `change`. */
// biome-ignore lint/suspicious/noExplicitAny: tests break the shape on purpose
function edited(change: (p: any) => void): string {
  const provenance = base();
  change(provenance);
  return JSON.stringify(provenance);
}

/** Base64 of `value` as JSON (or of the text itself). */
function b64(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64");
}

/** A statement as the base attestation would carry it, with `fields` replaced. */
function statement(fields: Record<string, unknown>): string {
  return b64({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: FILE.filename, digest: { sha256: FILE.sha256 } }],
    predicateType: PYPI_PUBLISH_V1,
    predicate: {},
    ...fields,
  });
}

/** The first attestation of a provenance object being edited. */
// biome-ignore lint/suspicious/noExplicitAny: tests break the shape on purpose
function att(p: any): any {
  return p.attestation_bundles[0].attestations[0];
}

describe("checkProvenance", () => {
  it("summarises a well-formed object about the file", () => {
    expect(checkProvenance(makeProvenance(FILE), FILE)).toEqual({
      publishers: [
        {
          kind: "GitHub",
          repository: "pypa/sampleproject",
          workflow: "release.yml",
          environment: "pypi",
        },
      ],
      attestations: 1,
      predicateTypes: [PYPI_PUBLISH_V1],
    });
  });

  it("reads the body as UTF-8 bytes, a byte order mark included", () => {
    const text = makeProvenance(FILE);
    expect(checkProvenance(new TextEncoder().encode(text), FILE).attestations).toBe(1);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(checkProvenance(new Uint8Array(bom), FILE).attestations).toBe(1);
    expect(checkProvenance(`\uFEFF${text}`, FILE).attestations).toBe(1);
  });

  it("reads GitLab's workflow_filepath and Google's email", () => {
    const gitlab = {
      kind: "GitLab",
      repository: "group/proj",
      workflow_filepath: ".gitlab-ci.yml",
      environment: null,
    };
    const google = { kind: "Google", email: "sa@example.iam.gserviceaccount.com" };
    expect(checkProvenance(makeProvenance(FILE, { publisher: gitlab }), FILE).publishers).toEqual([
      { kind: "GitLab", repository: "group/proj", workflow: ".gitlab-ci.yml" },
    ]);
    expect(checkProvenance(makeProvenance(FILE, { publisher: google }), FILE).publishers).toEqual([
      { kind: "Google", email: "sa@example.iam.gserviceaccount.com" },
    ]);
  });

  it("accepts unknown publisher kinds and extra keys anywhere", () => {
    const body = edited((p) => {
      p.extra = { anything: true };
      p.attestation_bundles[0].publisher = {
        kind: "Forgejo",
        instance: "codeberg.org",
        repository: "someone/thing",
        claims: { ref: "refs/tags/v4.0.0" },
      };
      p.attestation_bundles[0].note = "added by the index";
      p.attestation_bundles[0].attestations[0].extra = 1;
      p.attestation_bundles[0].attestations[0].envelope.extra = [];
      p.attestation_bundles[0].attestations[0].verification_material.extra = "x";
    });
    expect(checkProvenance(body, FILE).publishers).toEqual([
      { kind: "Forgejo", repository: "someone/thing" },
    ]);
  });

  it("counts attestations over two bundles and lists predicate types once, in order", () => {
    const gitlab = base().attestation_bundles[0];
    gitlab.publisher = { kind: "GitLab", repository: "group/proj", workflow_filepath: "ci.yml" };
    const second = structuredClone(gitlab.attestations[0]);
    second.envelope.statement = statement({ predicateType: SLSA });
    gitlab.attestations.push(second);
    const body = edited((p) => p.attestation_bundles.push(gitlab));
    expect(checkProvenance(body, FILE)).toEqual({
      publishers: [
        {
          kind: "GitHub",
          repository: "pypa/sampleproject",
          workflow: "release.yml",
          environment: "pypi",
        },
        { kind: "GitLab", repository: "group/proj", workflow: "ci.yml" },
      ],
      attestations: 3,
      predicateTypes: [PYPI_PUBLISH_V1, SLSA],
    });
  });

  it("takes a statement whose base64 is wrapped in lines or URL-safe, as Python may write it", () => {
    const text = JSON.stringify({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: FILE.filename, digest: { sha256: FILE.sha256 } }],
      predicateType: PYPI_PUBLISH_V1,
      predicate: { note: "???>>>" },
    });
    const standard = Buffer.from(text).toString("base64");
    const wrapped = `${standard.match(/.{1,76}/g)?.join("\n")}\n`;
    const urlSafe = Buffer.from(text).toString("base64url");
    expect(standard).toMatch(/[+/]/);
    for (const encoded of [wrapped, urlSafe]) {
      const body = edited((p) => {
        p.attestation_bundles[0].attestations[0].envelope.statement = encoded;
      });
      expect(checkProvenance(body, FILE).attestations).toBe(1);
    }
  });

  it("gives the invalid case in a message that names the file and the path", () => {
    const body = edited((p) => delete p.version);
    expect(errorOf(() => checkProvenance(body, FILE))).toMatchInlineSnapshot(`
      {
        "code": "INVALID_PROVENANCE",
        "hint": "a provenance URL serves a PEP 740 provenance object of version 1 (https://packaging.python.org/en/latest/specifications/index-hosted-attestations/)",
        "message": "provenance of "sampleproject-4.0.0.tar.gz" is invalid: version is missing, not 1",
      }
    `);
  });

  it.each<[string, string | Uint8Array, RegExp]>([
    ["not JSON", "<html>Not Found</html>", /it is not JSON .*, it starts "<html>Not Found/],
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), /it is not UTF-8 text/],
    ["a list", "[]", /it is \[\], not a JSON object/],
    ["null", "null", /it is null, not a JSON object/],
    ["version 2", edited((p) => (p.version = 2)), /version is 2, not 1/],
    ['version "1"', edited((p) => (p.version = "1")), /version is "1", not 1/],
    [
      "no attestation_bundles",
      edited((p) => delete p.attestation_bundles),
      /attestation_bundles is missing, not a list of at least one bundle/,
    ],
    [
      "no bundle",
      edited((p) => (p.attestation_bundles = [])),
      /attestation_bundles is \[\], not a list/,
    ],
    [
      "a bundle that is not an object",
      edited((p) => p.attestation_bundles.push("bundle")),
      /attestation_bundles\[1\] is "bundle", not an object/,
    ],
    [
      "a bundle without publisher",
      edited((p) => delete p.attestation_bundles[0].publisher),
      /attestation_bundles\[0\]\.publisher is missing, not an object/,
    ],
    [
      "a publisher without kind",
      edited((p) => delete p.attestation_bundles[0].publisher.kind),
      /attestation_bundles\[0\]\.publisher\.kind is missing/,
    ],
    [
      "a publisher kind that is not a string",
      edited((p) => (p.attestation_bundles[0].publisher.kind = 7)),
      /publisher\.kind is 7, not the name of a publisher kind/,
    ],
    [
      "an empty publisher kind",
      edited((p) => (p.attestation_bundles[0].publisher.kind = "")),
      /publisher\.kind is "", not the name/,
    ],
    [
      "a bundle without attestations",
      edited((p) => delete p.attestation_bundles[0].attestations),
      /attestation_bundles\[0\]\.attestations is missing, not a list of at least one/,
    ],
    [
      "a bundle with no attestation",
      edited((p) => (p.attestation_bundles[0].attestations = [])),
      /attestation_bundles\[0\]\.attestations is \[\]/,
    ],
    [
      "an attestation that is not an object",
      edited((p) => (p.attestation_bundles[0].attestations = [42])),
      /attestations\[0\] is 42, not an object/,
    ],
    [
      "an attestation of version 2",
      edited((p) => (att(p).version = 2)),
      /attestations\[0\]\.version is 2, not 1/,
    ],
    [
      "an attestation without version",
      edited((p) => delete att(p).version),
      /attestations\[0\]\.version is missing, not 1/,
    ],
    [
      "no verification_material",
      edited((p) => delete att(p).verification_material),
      /attestations\[0\]\.verification_material is missing, not an object/,
    ],
    [
      "no certificate",
      edited((p) => delete att(p).verification_material.certificate),
      /verification_material\.certificate is missing, not a non-empty string/,
    ],
    [
      "a certificate that is not a string",
      edited((p) => (att(p).verification_material.certificate = ["MII"])),
      /verification_material\.certificate is \["MII"\], not a non-empty string/,
    ],
    [
      "no envelope",
      edited((p) => delete att(p).envelope),
      /attestations\[0\]\.envelope is missing, not an object/,
    ],
    [
      "no statement",
      edited((p) => delete att(p).envelope.statement),
      /envelope\.statement is missing, not a non-empty string/,
    ],
    [
      "no signature",
      edited((p) => delete att(p).envelope.signature),
      /envelope\.signature is missing, not a non-empty string/,
    ],
    [
      "a signature that is not a string",
      edited((p) => (att(p).envelope.signature = null)),
      /envelope\.signature is null, not a non-empty string/,
    ],
    [
      "a statement that is not base64",
      edited((p) => (att(p).envelope.statement = "not base64!")),
      /envelope\.statement is not base64: "not base64!"/,
    ],
    [
      "a statement of impossible length",
      edited((p) => (att(p).envelope.statement = "abcde")),
      /envelope\.statement is not base64: "abcde"/,
    ],
    [
      "a statement that is not JSON",
      edited((p) => (att(p).envelope.statement = b64("{not json"))),
      /envelope\.statement is not base64 of JSON text: "e25vdCBqc29u"/,
    ],
    [
      "a statement that is a JSON list",
      edited((p) => (att(p).envelope.statement = b64([1]))),
      /envelope\.statement decodes to \[1\], not an in-toto Statement object/,
    ],
    [
      "a statement of in-toto v0.1",
      edited(
        (p) =>
          (att(p).envelope.statement = statement({ _type: "https://in-toto.io/Statement/v0.1" })),
      ),
      /not an in-toto v1 Statement: its _type is "https:\/\/in-toto\.io\/Statement\/v0\.1", not "https:\/\/in-toto\.io\/Statement\/v1"/,
    ],
    [
      "a statement without _type",
      edited((p) => (att(p).envelope.statement = statement({ _type: undefined }))),
      /its _type is missing/,
    ],
    [
      "a statement without subject",
      edited((p) => (att(p).envelope.statement = statement({ subject: undefined }))),
      /envelope\.statement: the statement's subject is missing, not a non-empty list/,
    ],
    [
      "a statement with an empty subject list",
      edited((p) => (att(p).envelope.statement = statement({ subject: [] }))),
      /the statement's subject is \[\], not a non-empty list/,
    ],
    [
      "a subject that is not an object",
      edited((p) => (att(p).envelope.statement = statement({ subject: [FILE.filename] }))),
      /the statement's subject\[0\] is "sampleproject-4\.0\.0\.tar\.gz", not an object/,
    ],
    [
      "a statement without predicateType",
      edited((p) => (att(p).envelope.statement = statement({ predicateType: undefined }))),
      /the statement's predicateType is missing, not a URI/,
    ],
  ])("refuses %s as INVALID_PROVENANCE", (_, body, message) => {
    const error = errorOf(() => checkProvenance(body, FILE));
    expect(error).toMatchObject({
      code: "INVALID_PROVENANCE",
      message: expect.stringMatching(message),
      hint: expect.stringContaining("index-hosted-attestations"),
    });
    expect(error.message).toMatch(/^provenance of "sampleproject-4\.0\.0\.tar\.gz" is invalid: /);
  });

  it("refuses a statement about another digest of the file", () => {
    const body = makeProvenance(FILE, { subjectSha256: OTHER_SHA256 });
    expect(errorOf(() => checkProvenance(body, FILE))).toMatchInlineSnapshot(`
      {
        "code": "PROVENANCE_MISMATCH",
        "hint": "the index served attestations for another file; do not mirror this provenance, and tell the index's operators",
        "message": "provenance of "sampleproject-4.0.0.tar.gz" is for another file: attestation_bundles[0].attestations[0] is about "sampleproject-4.0.0.tar.gz" with sha256 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", not "0ace7e4d8d9d8e5b1c4b1d7bd1a6e1a1a3e6d5b0f1c2d3e4f5a6b7c8d9e0f1a2"",
      }
    `);
  });

  it("refuses a statement about another file name", () => {
    const body = makeProvenance(FILE, { subjectName: "sampleproject-4.0.1.tar.gz" });
    expect(errorOf(() => checkProvenance(body, FILE))).toMatchObject({
      code: "PROVENANCE_MISMATCH",
      message:
        'provenance of "sampleproject-4.0.0.tar.gz" is for another file: ' +
        'attestation_bundles[0].attestations[0] is about "sampleproject-4.0.1.tar.gz"',
    });
  });

  it("refuses a subject without digest or name, naming what it has", () => {
    const noDigest = edited((p) => {
      att(p).envelope.statement = statement({
        subject: [{ name: FILE.filename, digest: { sha512: "00" } }, { uri: "pkg:pypi/x" }],
      });
    });
    expect(errorOf(() => checkProvenance(noDigest, FILE)).message).toMatch(
      /is about "sampleproject-4\.0\.0\.tar\.gz" with sha256 missing, not "0ace/,
    );
    const noName = edited((p) => {
      att(p).envelope.statement = statement({ subject: [{ digest: { sha256: FILE.sha256 } }] });
    });
    expect(errorOf(() => checkProvenance(noName, FILE)).message).toMatch(
      /is about a subject without a name$/,
    );
  });

  it("refuses the object when any one attestation is about another file", () => {
    const body = edited((p) => {
      const other = structuredClone(att(p));
      other.envelope.statement = statement({
        subject: [{ name: "evil-1.0.tar.gz", digest: { sha256: OTHER_SHA256 } }],
      });
      p.attestation_bundles.push({ publisher: { kind: "GitHub" }, attestations: [other] });
    });
    expect(errorOf(() => checkProvenance(body, FILE))).toMatchObject({
      code: "PROVENANCE_MISMATCH",
      message: expect.stringMatching(
        /attestation_bundles\[1\]\.attestations\[0\] is about "evil-1\.0\.tar\.gz"$/,
      ),
    });
  });

  it.each([
    ["foo-bar-1.0.tar.gz", "Foo_Bar-1.0.tar.gz"],
    ["Foo_Bar-1.0.tar.gz", "foo-bar-1.0.tar.gz"],
    ["foo_bar-1.0-py3-none-any.whl", "Foo.Bar-1.0-py3-none-any.whl"],
    ["foo-bar-1.0.tar.gz", "FOO__BAR-1.0.TAR.GZ"],
  ])("takes %s and a subject named %s as one file", (filename, subjectName) => {
    const file = { filename, sha256: FILE.sha256 };
    expect(checkProvenance(makeProvenance(file, { subjectName }), file).attestations).toBe(1);
  });

  it("compares digests in lower case, and finds the file among several subjects", () => {
    const upper = { filename: FILE.filename, sha256: FILE.sha256.toUpperCase() };
    expect(checkProvenance(makeProvenance(FILE), upper).attestations).toBe(1);
    expect(checkProvenance(makeProvenance(upper), FILE).attestations).toBe(1);
    const several = edited((p) => {
      att(p).envelope.statement = statement({
        subject: [
          { name: "sampleproject-4.0.0-py3-none-any.whl", digest: { sha256: OTHER_SHA256 } },
          { name: FILE.filename, digest: { sha256: OTHER_SHA256 } },
          { name: FILE.filename, digest: { sha256: FILE.sha256 } },
        ],
      });
    });
    expect(checkProvenance(several, FILE).attestations).toBe(1);
  });

  it("does not take a name that only normalises alike with a different version", () => {
    const file = { filename: "foo-1.0.tar.gz", sha256: FILE.sha256 };
    const body = makeProvenance(file, { subjectName: "foo-1.0.0.tar.gz" });
    expect(errorOf(() => checkProvenance(body, file)).code).toBe("PROVENANCE_MISMATCH");
  });
});

describe("describePublisher", () => {
  it.each([
    [
      {
        kind: "GitHub",
        repository: "pypa/sampleproject",
        workflow: "release.yml",
        environment: "pypi",
      },
      "GitHub pypa/sampleproject (release.yml, environment pypi)",
    ],
    [
      { kind: "GitHub", repository: "pypa/sampleproject", workflow: "release.yml" },
      "GitHub pypa/sampleproject (release.yml)",
    ],
    [
      { kind: "GitLab", repository: "group/proj", workflow: ".gitlab-ci.yml" },
      "GitLab group/proj (.gitlab-ci.yml)",
    ],
    [
      { kind: "GitLab", repository: "group/proj", workflow: "ci.yml", environment: "release" },
      "GitLab group/proj (ci.yml, environment release)",
    ],
    [
      { kind: "Google", email: "sa@example.iam.gserviceaccount.com" },
      "Google sa@example.iam.gserviceaccount.com",
    ],
    [{ kind: "ActiveState" }, "ActiveState"],
    [{ kind: "Forgejo", repository: "someone/thing" }, "Forgejo someone/thing"],
  ])("describes %j as %s", (publisher, line) => {
    expect(describePublisher(publisher)).toBe(line);
  });

  it("describes what checkProvenance read from the index", () => {
    const publisher = { kind: "GitHub", repository: "o/r", workflow: "w.yml", environment: "" };
    const [read] = checkProvenance(makeProvenance(FILE, { publisher }), FILE).publishers;
    expect(describePublisher(read)).toBe("GitHub o/r (w.yml)");
  });
});
