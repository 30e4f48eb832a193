import { describe, expect, it } from "vitest";
import {
  parseLinksHtml,
  parseProjectHtml,
  parseProjectListHtml,
  renderLinksHtml,
  renderProjectHtml,
  renderProjectListHtml,
} from "../../src/pep/simple-html.js";
import type { DistributionFile } from "../../src/pep/simple-types.js";

const PAGE = "https://example.org/simple/holygrail/";

function one(anchor: string, head = ""): DistributionFile {
  const files = parseLinksHtml(`<html><head>${head}</head><body>${anchor}</body></html>`, PAGE);
  expect(files).toHaveLength(1);
  return files[0];
}

describe("parseLinksHtml: one anchor", () => {
  const table: [string, Partial<DistributionFile>][] = [
    [
      '<a href="../../files/holygrail-1.0.tar.gz#sha256=ABCD">x</a>',
      {
        filename: "holygrail-1.0.tar.gz",
        url: "https://example.org/files/holygrail-1.0.tar.gz",
        hashes: { sha256: "abcd" },
        yanked: false,
        coreMetadata: false,
      },
    ],
    [
      '<a href="https://cdn.example/p/holygrail-1.0.tar.gz#md5=00ff">holygrail</a>',
      { url: "https://cdn.example/p/holygrail-1.0.tar.gz", hashes: { md5: "00ff" } },
    ],
    ['<a href="/f/h-1.0.zip#egg=h&amp;sha1=aa">h</a>', { hashes: { sha1: "aa" } }],
    ['<a href="/f/h-1.0.zip#sha256=not-hex">h</a>', { hashes: {} }],
    // The filename is the percent-decoded last path segment, not the text.
    [
      '<a href="/f/holy%20grail%2B1.0.tar.gz">other text</a>',
      { filename: "holy grail+1.0.tar.gz" },
    ],
    ['<a href="/f/h%E2%82%AC-1.0.tar.gz">x</a>', { filename: "h€-1.0.tar.gz" }],
    ['<a href="/f/bad%zz.tar.gz">x</a>', { filename: "bad%zz.tar.gz" }],
    ['<a href="/f/h-1.0.tar.gz?x=1">x</a>', { filename: "h-1.0.tar.gz" }],
    // Entities in attributes, named, numeric, and legacy without ";".
    [
      '<a href="/f/h.whl" data-requires-python="&gt;=3.8,&lt;4">x</a>',
      { requiresPython: ">=3.8,<4" },
    ],
    ['<a href="/f/h.whl" data-requires-python="&#62;=3.8">x</a>', { requiresPython: ">=3.8" }],
    ['<a href="/f/h.whl" data-requires-python=">=3.6">x</a>', { requiresPython: ">=3.6" }],
    ['<a href="/f/h.whl" data-requires-python="">x</a>', { requiresPython: undefined }],
    ['<a href="/f/a&amp;b.whl">x</a>', { filename: "a&b.whl" }],
    // PEP 592 yanked: valueless means yanked without reason.
    ['<a href="/f/h.whl" data-yanked>x</a>', { yanked: "" }],
    ['<a href="/f/h.whl" data-yanked="">x</a>', { yanked: "" }],
    [
      '<a href="/f/h.whl" data-yanked="bad &quot;build&quot; &lt;x&gt;">x</a>',
      { yanked: 'bad "build" <x>' },
    ],
    // PEP 658/714 core metadata.
    ['<a href="/f/h.whl" data-core-metadata="true">x</a>', { coreMetadata: {} }],
    ['<a href="/f/h.whl" data-core-metadata="sha256=AB">x</a>', { coreMetadata: { sha256: "ab" } }],
    [
      '<a href="/f/h.whl" data-dist-info-metadata="sha256=cd">x</a>',
      { coreMetadata: { sha256: "cd" } },
    ],
    [
      '<a href="/f/h.whl" data-core-metadata="sha256=ab" data-dist-info-metadata="sha256=cd">x</a>',
      { coreMetadata: { sha256: "ab" } },
    ],
    ['<a href="/f/h.whl" data-core-metadata="false">x</a>', { coreMetadata: false }],
    ['<a href="/f/h.whl" data-core-metadata="garbage">x</a>', { coreMetadata: {} }],
    ['<a href="/f/h.whl" DATA-CORE-METADATA="true">x</a>', { coreMetadata: {} }],
    // data-gpg-sig and PEP 740 provenance.
    ['<a href="/f/h.whl" data-gpg-sig="true">x</a>', { gpgSig: true }],
    ['<a href="/f/h.whl" data-gpg-sig="false">x</a>', { gpgSig: false }],
    ['<a href="/f/h.whl" data-gpg-sig="maybe">x</a>', { gpgSig: undefined }],
    [
      '<a href="/f/h.whl" data-provenance="/p/h.whl/provenance">x</a>',
      { provenance: "https://example.org/p/h.whl/provenance" },
    ],
  ];
  it.each(table)("%s", (anchor, expected) => {
    const file = one(anchor);
    for (const [key, value] of Object.entries(expected)) {
      if (value === undefined) expect(file).not.toHaveProperty(key);
      else expect(file).toHaveProperty(key, value);
    }
  });

  it("resolves against the first <base href>, itself relative to the page, wherever it is", () => {
    expect(one('<a href="h-1.0.whl">x</a>', '<base href="/files/"><base href="/other/">').url).toBe(
      "https://example.org/files/h-1.0.whl",
    );
    const late = parseLinksHtml(
      '<a href="h-1.0.whl">x</a><base href="https://cdn.example/x/">',
      PAGE,
    );
    expect(late[0].url).toBe("https://cdn.example/x/h-1.0.whl");
    expect(one('<a href="h-1.0.whl">x</a>', '<base target="_blank">').url).toBe(
      "https://example.org/simple/holygrail/h-1.0.whl",
    );
  });

  it("skips anchors without href, without a filename, or with an unusable URL", () => {
    const html =
      '<a name="top">t</a><a href="../">up</a><a href="http://[::1">bad</a><a href="x.whl">x</a>';
    expect(parseLinksHtml(html, PAGE).map((f) => f.filename)).toEqual(["x.whl"]);
  });

  it("refuses a page URL that is not absolute", () => {
    expect(() => parseLinksHtml("", "simple/x/")).toThrowError(
      expect.objectContaining({ code: "INVALID_PROJECT_PAGE" }),
    );
  });
});

describe("parseProjectHtml", () => {
  it("reads the repository version (PEP 629), name and serial", () => {
    const html =
      '<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1">' +
      "<title>Links for HolyGrail</title></head><body><h1>Links for HolyGrail</h1></body></html>" +
      "<!--SERIAL 123-->";
    expect(parseProjectHtml(html, PAGE)).toEqual({
      name: "HolyGrail",
      apiVersion: "1.1",
      lastSerial: 123,
      files: [],
    });
  });

  it("names the project from the URL without a title, assumes version 1.0", () => {
    expect(parseProjectHtml("<a href='x-1.0.whl'>x</a>", PAGE)).toMatchObject({
      name: "holygrail",
      apiVersion: "1.0",
    });
  });

  it("refuses a repository version with another major (PEP 629 hard fail)", () => {
    const html = '<meta name="pypi:repository-version" content="2.0">';
    expect(() => parseProjectHtml(html, PAGE)).toThrowError(
      expect.objectContaining({ code: "UNSUPPORTED_API_VERSION" }),
    );
  });
});

describe("renderProjectHtml", () => {
  it("renders PEP 503 + 592 + 629 + 658/714, escaped, deterministic", () => {
    const html = renderProjectHtml({
      name: "holygrail",
      apiVersion: "1.1",
      lastSerial: 7,
      files: [
        {
          filename: "holygrail-1.0.tar.gz",
          url: "https://example.com/files/holygrail-1.0.tar.gz",
          hashes: { md5: "00", sha256: "ab" },
          requiresPython: ">=3.7,<4",
          yanked: 'Had a "vulnerability" & <more>',
          coreMetadata: false,
        },
        {
          filename: "holygrail-1.0-py3-none-any.whl",
          url: "/files/holygrail-1.0-py3-none-any.whl",
          hashes: {},
          yanked: "",
          coreMetadata: { sha256: "cd" },
          gpgSig: false,
          size: 4,
        },
        {
          filename: "holygrail-0.9-py3-none-any.whl",
          url: "/files/holygrail-0.9-py3-none-any.whl#md5=ff",
          hashes: { md5: "ee" },
          yanked: false,
          coreMetadata: {},
        },
      ],
    });
    expect(html).toMatchInlineSnapshot(`
      "<!DOCTYPE html>
      <html>
        <head>
          <meta charset="utf-8">
          <meta name="pypi:repository-version" content="1.1">
          <title>Links for holygrail</title>
        </head>
        <body>
          <h1>Links for holygrail</h1>
          <a href="https://example.com/files/holygrail-1.0.tar.gz#sha256=ab" data-requires-python="&gt;=3.7,&lt;4" data-yanked="Had a &quot;vulnerability&quot; &amp; &lt;more&gt;">holygrail-1.0.tar.gz</a><br />
          <a href="/files/holygrail-1.0-py3-none-any.whl" data-yanked="" data-core-metadata="sha256=cd" data-dist-info-metadata="sha256=cd" data-gpg-sig="false">holygrail-1.0-py3-none-any.whl</a><br />
          <a href="/files/holygrail-0.9-py3-none-any.whl#md5=ee" data-core-metadata="true" data-dist-info-metadata="true">holygrail-0.9-py3-none-any.whl</a><br />
        </body>
      </html>
      <!--SERIAL 7-->
      "
    `);
    expect(renderProjectHtml(parseProjectHtml(html, PAGE))).toBe(
      renderProjectHtml(parseProjectHtml(renderProjectHtml(parseProjectHtml(html, PAGE)), PAGE)),
    );
  });
});

describe("project list HTML", () => {
  it("renders one anchor per project and reads the names back from the anchor text", () => {
    const list = {
      apiVersion: "1.1",
      projects: [{ name: "Frob" }, { name: "a&b" }, { name: "spam" }],
    };
    const html = renderProjectListHtml(list);
    expect(html).toContain('<a href="Frob/">Frob</a>');
    expect(html).toContain('<a href="a%26b/">a&amp;b</a>');
    expect(parseProjectListHtml(html, "https://example.org/simple/")).toEqual(list);
  });

  it("reads the PEP 503 example", () => {
    const html =
      '<!DOCTYPE html><html><body><a href="/frob/">frob</a>\n<a href="/spamspamspam/"> spamspamspam </a></body></html>';
    expect(parseProjectListHtml(html, "https://example.org/simple/")).toEqual({
      apiVersion: "1.0",
      projects: [{ name: "frob" }, { name: "spamspamspam" }],
    });
  });
});

describe("renderLinksHtml", () => {
  it("renders a find-links page without repository version that parses back", () => {
    const files: DistributionFile[] = [
      {
        filename: "h-1.0.whl",
        url: "https://example.org/h-1.0.whl",
        hashes: { sha256: "ab" },
        yanked: false,
        coreMetadata: false,
      },
    ];
    const html = renderLinksHtml(files, "wheelhouse");
    expect(html).not.toContain("repository-version");
    expect(html).toContain("<title>wheelhouse</title>");
    expect(parseLinksHtml(html, "https://example.org/")).toEqual(files);
  });
});
