// simple-html reads pages without "&" with htmlparser2's entity decoding off (faster); this proves
// the result is the one decoding on gives. A leading "<!--&-->" turns decoding on for the same
// page without changing what it means (a whole comment, then the page from the text state).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseLinksHtml,
  parseProjectHtml,
  parseProjectListHtml,
} from "../../src/pep/simple-html.js";

const DECODING = "<!--&-->";
const PAGE_URL = "https://example.org/simple/foo/";

function outcome(parse: () => unknown): unknown {
  try {
    return parse();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const piece = fc.constantFrom(
  "<a ",
  "<A HREF=",
  '<a href="',
  "<a href='",
  "href=",
  " data-yanked",
  ' data-yanked="bad build"',
  ' data-requires-python="\u2265 3.8"',
  ' data-core-metadata="sha256=AB12"',
  " data-dist-info-metadata=true",
  " data-gpg-sig=TRUE",
  ' data-provenance="../p.json"',
  "foo-1.0-py3-none-any.whl",
  "../../files/foo-1.0.tar.gz#sha256=ff00",
  "#md5=1",
  "/x/",
  '"',
  "'",
  ">",
  "</a>",
  "<br/>",
  '<base href="https://cdn.example.org/d/">',
  "<base href=x/>",
  "<title>",
  "</title>",
  "Links for foo",
  "<h1>",
  "</h1>",
  '<meta name="pypi:repository-version" content="1.1">',
  "<!--SERIAL 42-->",
  "<!--",
  "-->",
  "<script>",
  "</script>",
  "<textarea>",
  "<!DOCTYPE html>",
  "<![CDATA[",
  "]]>",
  "<?x?>",
  "=",
  " ",
  "\n",
  "\t",
  "<",
  "/",
  "é",
  "\u0000",
  "a",
);
const page = fc.array(piece, { maxLength: 25 }).map((xs) => xs.join(""));

describe("pages without '&' parse as they do with entity decoding on", () => {
  it("project pages, link pages and project lists (property)", () => {
    fc.assert(
      fc.property(page, (text) => {
        expect(text.includes("&")).toBe(false);
        for (const parse of [parseProjectHtml, parseLinksHtml, parseProjectListHtml]) {
          expect(outcome(() => parse(text, PAGE_URL))).toEqual(
            outcome(() => parse(DECODING + text, PAGE_URL)),
          );
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it("pages with '&' are still decoded, legacy entities in attributes the HTML5 way", () => {
    const text =
      '<a href="x-1.0.tar.gz?a=1&amp=2" data-yanked="a &lt b" data-requires-python="&gt;=3.8">x</a>';
    const [file] = parseProjectHtml(text, PAGE_URL).files;
    expect(file.yanked).toBe("a < b");
    expect(file.requiresPython).toBe(">=3.8");
    expect(file.url).toBe("https://example.org/simple/foo/x-1.0.tar.gz?a=1&amp=2");
  });
});
