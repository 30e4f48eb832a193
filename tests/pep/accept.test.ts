import { describe, expect, it } from "vitest";
import { acceptHeader, negotiate } from "../../src/pep/accept.js";
import { SIMPLE_HTML, SIMPLE_JSON } from "../../src/pep/simple-types.js";

const JSON_ = { format: "json", contentType: SIMPLE_JSON };
const HTML = { format: "html", contentType: SIMPLE_HTML };
const LEGACY = { format: "html", contentType: "text/html" };

describe("negotiate (PEP 691 version + format selection)", () => {
  const table: [string | undefined | null, string | undefined, object | null][] = [
    // No header, or nothing usable in it: legacy text/html.
    [undefined, undefined, LEGACY],
    [null, undefined, LEGACY],
    ["", undefined, LEGACY],
    ["   ", undefined, LEGACY],
    ["garbage", undefined, LEGACY],
    ["text/, /html, */json", undefined, LEGACY],
    // One explicit type.
    [SIMPLE_JSON, undefined, JSON_],
    [SIMPLE_HTML, undefined, HTML],
    ["text/html", undefined, LEGACY],
    ["TEXT/HTML", undefined, LEGACY],
    ["Application/VND.pypi.simple.V1+JSON", undefined, JSON_],
    // The latest meta version answers with the concrete v1 type.
    ["application/vnd.pypi.simple.latest+json", undefined, JSON_],
    ["application/vnd.pypi.simple.latest+html", undefined, HTML],
    // What clients send.
    [acceptHeader(), undefined, JSON_],
    [
      "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01",
      undefined,
      JSON_,
    ],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", undefined, LEGACY],
    // Quality values.
    [`${SIMPLE_JSON};q=0.5, ${SIMPLE_HTML}`, undefined, HTML],
    [`${SIMPLE_JSON};q=0.5, text/html;q=0.6`, undefined, LEGACY],
    [`${SIMPLE_JSON};q=1.000, ${SIMPLE_HTML};q=0.999`, undefined, JSON_],
    [`${SIMPLE_JSON};Q=0.1, ${SIMPLE_HTML};q=0.2`, undefined, HTML],
    [`${SIMPLE_JSON};charset=utf-8;q=0.3, ${SIMPLE_HTML};q=0.2`, undefined, JSON_],
    // q=0 refuses, even when a wildcard would allow it.
    [`${SIMPLE_JSON};q=0`, undefined, null],
    [`${SIMPLE_JSON};q=0, */*`, undefined, LEGACY],
    [`${SIMPLE_JSON};q=0, application/*`, undefined, HTML],
    [`*/*, text/html;q=0`, undefined, HTML],
    [`*/*;q=0`, undefined, null],
    [`${SIMPLE_JSON};q=0, ${SIMPLE_HTML};q=0, text/html;q=0`, undefined, null],
    // Ties: specific beats wildcard, then JSON > v1 HTML > text/html (text/html as last resort).
    [`${SIMPLE_JSON}, ${SIMPLE_HTML}`, undefined, JSON_],
    [`${SIMPLE_HTML}, ${SIMPLE_JSON}`, undefined, JSON_],
    [`text/html, ${SIMPLE_JSON}`, undefined, JSON_],
    [`text/html, ${SIMPLE_HTML}`, undefined, HTML],
    [`*/*, ${SIMPLE_HTML}`, undefined, HTML],
    [`application/*`, undefined, JSON_],
    [`application/*, text/html`, undefined, LEGACY],
    [`application/*;q=0.9, text/html`, undefined, LEGACY],
    [`application/*, text/html;q=0.5`, undefined, JSON_],
    [`text/*`, undefined, LEGACY],
    // Only */* (curl, requests' default): what legacy clients expect.
    ["*/*", undefined, LEGACY],
    ["*/*;q=0.5", undefined, LEGACY],
    // Nothing we can serve: 406.
    ["application/json", undefined, null],
    ["image/png, text/plain", undefined, null],
    ["application/vnd.pypi.simple.v2+json", undefined, null],
    // Malformed parts are skipped, the rest still counts.
    [`;;, ,${SIMPLE_JSON};q=abc, ${SIMPLE_HTML}`, undefined, HTML],
    [`${SIMPLE_JSON};q=2, text/html`, undefined, LEGACY],
    [`${SIMPLE_JSON};q=-1, text/html`, undefined, LEGACY],
    [`${SIMPLE_JSON};q=0.1234, text/html;q=0.5`, undefined, LEGACY],
    // ?format= overrides the header when it names a supported type, else is ignored.
    ["text/html", SIMPLE_JSON, JSON_],
    [`${SIMPLE_JSON};q=0`, SIMPLE_JSON, JSON_],
    [undefined, SIMPLE_HTML, HTML],
    [SIMPLE_JSON, "text/html", LEGACY],
    [SIMPLE_JSON, " Application/Vnd.Pypi.Simple.V1+Html ", HTML],
    [SIMPLE_JSON, "application/vnd.pypi.simple.latest+json", JSON_],
    [SIMPLE_JSON, "json", JSON_],
    [SIMPLE_JSON, "application/json", JSON_],
    [undefined, "application/xml", LEGACY],
    ["application/json", "nonsense", null],
    [SIMPLE_HTML, "", HTML],
  ];
  it.each(table)("Accept %j, ?format=%j", (accept, format, expected) => {
    expect(negotiate(accept, format)).toEqual(expected);
  });
});

describe("acceptHeader", () => {
  it("prefers JSON, then v1 HTML, then legacy text/html at q=0.01", () => {
    expect(acceptHeader()).toBe(
      "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01",
    );
  });
});
