// Property tests: whatever a server renders, a client parses back into the same page, in both
// serializations, with filenames needing percent-encoding and markup characters in attributes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseLinksHtml,
  parseProjectHtml,
  renderLinksHtml,
  renderProjectHtml,
} from "../../src/pep/simple-html.js";
import { parseProjectJson, renderProjectJson } from "../../src/pep/simple-json.js";
import type { DistributionFile, ProjectPage } from "../../src/pep/simple-types.js";

const PAGE = "https://index.example/simple/project/";

// Characters that need escaping in HTML, in URLs, or both; no control characters (HTML
// normalizes CR and NUL, and no index emits them).
const ODD = ["a", "Z", "0", "-", "_", ".", " ", "%", "#", "?", "&", "<", ">", '"', "'", "+", "/"];
const MORE = ["\\", ";", "=", "~", "!", "(", "*", "ü", "€", "😀", "\t", ","];
const text = (minLength: number) =>
  fc.array(fc.constantFrom(...ODD, ...MORE), { minLength, maxLength: 16 }).map((cs) => cs.join(""));

const filename = text(1).filter((s) => s !== "." && s !== "..");
const hex = fc.stringMatching(/^[0-9a-f]{1,64}$/);
const hashName = fc.constantFrom("sha256", "sha512", "sha384", "sha224", "sha1", "md5");
const requiresPython = text(1).filter((s) => s.trim() !== "");
const projectName = text(1).filter((s) => s === s.trim() && /\S/.test(s));

/** A file as a server holds it; `manyHashes` for JSON (HTML keeps one hash in the fragment). */
function file(manyHashes: boolean): fc.Arbitrary<DistributionFile> {
  return fc
    .record(
      {
        filename,
        host: fc.constantFrom("https://files.example/p/", "https://index.example/files/"),
        hashes: manyHashes
          ? fc.dictionary(fc.constantFrom("sha256", "md5", "blake2b", "sha512"), hex)
          : fc.option(fc.tuple(hashName, hex), { nil: undefined }),
        requiresPython,
        yanked: fc.oneof(fc.constant(false as const), text(0)),
        coreMetadata: fc.oneof(
          fc.constant(false as const),
          fc.constant({}),
          hex.map((h) => ({ sha256: h })),
        ),
        gpgSig: fc.boolean(),
        size: fc.nat(),
        uploadTime: fc.constantFrom("2024-05-01T12:00:00.123456Z", "2019-10-28T23:53:54Z"),
      },
      { requiredKeys: ["filename", "host", "hashes", "yanked", "coreMetadata"] },
    )
    .map((r) => {
      const f: DistributionFile = {
        filename: r.filename,
        url: new URL(encodeURIComponent(r.filename), r.host).href,
        hashes: Array.isArray(r.hashes)
          ? { [r.hashes[0]]: r.hashes[1] }
          : ((r.hashes as Record<string, string> | undefined) ?? {}),
        yanked: r.yanked,
        coreMetadata: r.coreMetadata,
      };
      if (r.requiresPython !== undefined) f.requiresPython = r.requiresPython;
      if (r.gpgSig !== undefined) f.gpgSig = r.gpgSig;
      if (manyHashes) {
        if (r.size !== undefined) f.size = r.size;
        if (r.uploadTime !== undefined) f.uploadTime = r.uploadTime;
      }
      return f;
    });
}

describe("render -> parse round trips", () => {
  it("JSON: renderProjectJson then parseProjectJson gives the page back", () => {
    const page = fc.record(
      {
        name: projectName,
        files: fc.array(file(true), { maxLength: 6 }),
        versions: fc.array(fc.constantFrom("1.0", "2.0rc1", "0.0.post1"), { maxLength: 3 }),
        apiVersion: fc.constantFrom("1.0", "1.1", "1.4"),
        lastSerial: fc.nat(),
      },
      { requiredKeys: ["name", "files", "apiVersion"] },
    );
    fc.assert(
      fc.property(page, (p) => {
        const parsed = parseProjectJson(renderProjectJson(p as ProjectPage), PAGE);
        expect(parsed).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it("HTML: renderProjectHtml then parseProjectHtml gives the page back (HTML fields)", () => {
    const page = fc.record(
      {
        name: projectName,
        files: fc.array(file(false), { maxLength: 6 }),
        apiVersion: fc.constantFrom("1.0", "1.1", "1.4"),
        lastSerial: fc.nat(),
      },
      { requiredKeys: ["name", "files", "apiVersion"] },
    );
    fc.assert(
      fc.property(page, (p) => {
        const parsed = parseProjectHtml(renderProjectHtml(p as ProjectPage), PAGE);
        expect(parsed).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it("find-links: renderLinksHtml then parseLinksHtml gives the files back", () => {
    fc.assert(
      fc.property(fc.array(file(false), { maxLength: 6 }), text(0), (files, title) => {
        expect(parseLinksHtml(renderLinksHtml(files, title), PAGE)).toEqual(files);
      }),
      { numRuns: 200 },
    );
  });

  it("both formats parse into the same file lists", () => {
    fc.assert(
      fc.property(fc.array(file(false), { maxLength: 6 }), (files) => {
        const page: ProjectPage = { name: "project", apiVersion: "1.1", files };
        const html = parseProjectHtml(renderProjectHtml(page), PAGE);
        const json = parseProjectJson(renderProjectJson(page), PAGE);
        expect(html).toEqual(json);
      }),
      { numRuns: 200 },
    );
  });
});
