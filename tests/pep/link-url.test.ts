import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLinkResolver, type ResolvedLink } from "../../src/pep/link-url.js";

/** The oracle: the WHATWG parser itself, as simple-html used it before the fast path. */
function viaUrl(href: string, base: string): ResolvedLink | undefined {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return undefined;
  }
  const hash = url.hash;
  url.hash = "";
  const path = url.pathname;
  return { url: url.href, lastSegment: path.slice(path.lastIndexOf("/") + 1), hash };
}

const BASES = [
  "http://127.0.0.1:44851/simple-history/p000/",
  "https://example.org/simple/foo",
  "https://example.org/",
  "https://example.org",
  "https://user:p%40ss@Example.ORG:8443/a/b/c/?q=1#frag",
  "http://[::1]:8080/x/y/z?",
  "https://example.org/a/%2e%2E/b/",
  "file:///srv/wheels/index.html",
  "ftp://host/dir/page",
  "custom://host/dir/page",
];

describe("createLinkResolver", () => {
  it.each([
    ["../../files/p000-0.0-py3-none-any.whl#sha256=AB12", BASES[0]],
    ["/files/x-1.0.tar.gz", BASES[1]],
    ["x-1.0.tar.gz#", BASES[1]],
    ["a/..", BASES[4]],
    ["a/.%2E/%2e", BASES[4]],
    ["./", BASES[2]],
    ["..", BASES[3]],
    ["../../../../x.whl", BASES[0]],
    ["../../../x.whl", BASES[0]],
    ["/../x.whl", BASES[4]],
    ["./../a/./b/../c.whl", BASES[4]],
    ["x%20y%zz.whl#md5=1&sha256=2", BASES[0]],
    ["//cdn.example.org/x.whl", BASES[0]],
    ["https://files.example.org/p/x.whl#sha256=ff", BASES[0]],
    ["a\\b.whl", BASES[0]],
    ["a b.whl", BASES[0]],
    ["naïve-1.0.tar.gz#sha256=00", BASES[0]],
    ["x.whl?a=b#c", BASES[0]],
    ["c:/x.whl", BASES[7]],
    ["y.whl", BASES[7]],
    ["y.whl", BASES[9]],
    ["http://[", BASES[0]],
  ])("resolves %j against %s as new URL does", (href, base) => {
    expect(createLinkResolver(new URL(base))(href)).toEqual(viaUrl(href, base));
  });

  it("gives new URL's result for any href (property)", () => {
    const piece = fc.constantFrom(
      "a",
      "Z9",
      "-",
      ".",
      "..",
      "../",
      "../../",
      "./",
      "%2e",
      "%2E",
      ".%2e",
      "%2e.",
      "%2E%2e",
      "%",
      "%41",
      "%zz",
      "/",
      "//",
      "\\",
      "#",
      "?",
      "&",
      "=",
      ":",
      "@",
      "~!$'()*+,;",
      " ",
      "\t",
      "\n",
      '"',
      "<",
      ">",
      "`",
      "^",
      "{",
      "|",
      "é",
      "\u212a",
      "😀",
      "\u0000",
      "x.whl",
      "sha256=ab",
      "http:",
      "https://h/",
      "file:",
    );
    const href = fc.array(piece, { maxLength: 12 }).map((xs) => xs.join(""));
    fc.assert(
      fc.property(href, fc.constantFrom(...BASES), (h, base) => {
        expect(createLinkResolver(new URL(base))(h)).toEqual(viaUrl(h, base));
      }),
      { numRuns: 20_000 },
    );
  });

  it("gives new URL's result for arbitrary strings (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 30 }),
        fc.constantFrom(...BASES),
        (h, base) => {
          expect(createLinkResolver(new URL(base))(h)).toEqual(viaUrl(h, base));
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
