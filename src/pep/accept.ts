// PEP 691 server-driven content negotiation for the simple API: pick JSON, HTML (v1) or legacy
// text/html from an Accept header (RFC 9110 section 12.5.1) and the optional `?format=` parameter.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/#version-format-selection
// Traps:
// - A type's quality comes from the MOST SPECIFIC range that matches it, not the highest q:
//   `*/*;q=1, text/html;q=0` refuses text/html. q=0 means "not acceptable".
// - The order of entries has no meaning (the spec says so); ties are broken by specificity, then
//   by the spec's recommendation: the most featureful format (JSON), text/html as last resort.
// - Except when only `*/*` matched: legacy clients (requests' default `Accept: */*`, curl) expect
//   HTML, so a bare wildcard, like a missing header, gets text/html (PyPI does the same).
// - `latest` is a meta version: `application/vnd.pypi.simple.latest+json` is answered with the
//   concrete v1 content type.
// - Malformed entries are skipped; a header with no usable entry is treated as absent.

import { SIMPLE_HTML, SIMPLE_JSON } from "./simple-types.js";

/** The two serializations of the simple API. */
export type SimpleFormat = "json" | "html";

/** The outcome of negotiation: the serialization and the Content-Type to answer with. */
export interface Negotiated {
  format: SimpleFormat;
  /** SIMPLE_JSON, SIMPLE_HTML or "text/html". */
  contentType: string;
}

interface Offer extends Negotiated {
  /** Media types (lower case) naming this offer exactly. */
  names: string[];
}

const JSON_OFFER: Offer = {
  format: "json",
  contentType: SIMPLE_JSON,
  names: [SIMPLE_JSON, "application/vnd.pypi.simple.latest+json"],
};
const HTML_OFFER: Offer = {
  format: "html",
  contentType: SIMPLE_HTML,
  names: [SIMPLE_HTML, "application/vnd.pypi.simple.latest+html"],
};
const LEGACY_OFFER: Offer = { format: "html", contentType: "text/html", names: ["text/html"] };

/** Tie-break order when a specific type or `type/*` matched: most featureful first. */
const PREFERRED = [JSON_OFFER, HTML_OFFER, LEGACY_OFFER];
/** Tie-break order when only `*\/*` matched: what legacy clients expect first. */
const LEGACY_FIRST = [LEGACY_OFFER, HTML_OFFER, JSON_OFFER];

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const QVALUE = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

/** Parse one Accept entry ("type/subtype;param=value;q=0.5"); undefined when malformed. */
function parseRange(entry: string): MediaRange | undefined {
  const [range, ...params] = entry.split(";").map((s) => s.trim());
  const slash = range.indexOf("/");
  if (slash < 0) return undefined;
  const type = range.slice(0, slash).toLowerCase();
  const subtype = range.slice(slash + 1).toLowerCase();
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  if (type === "*" && subtype !== "*") return undefined;
  let q = 1;
  for (const param of params) {
    const eq = param.indexOf("=");
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== "q") continue;
    const value = param.slice(eq + 1).trim();
    if (!QVALUE.test(value)) return undefined;
    q = Number(value);
    break; // parameters after q are accept-extensions, not media type parameters
  }
  return { type, subtype, q };
}

/** How specifically `range` names `mediaType`: 3 exact, 2 `type/*`, 1 `*\/*`, 0 no match. */
function specificity(range: MediaRange, mediaType: string): number {
  const [type, subtype] = mediaType.split("/");
  if (range.type === "*") return 1;
  if (range.type !== type) return 0;
  if (range.subtype === "*") return 2;
  return range.subtype === subtype ? 3 : 0;
}

function pick(offer: Offer): Negotiated {
  return { format: offer.format, contentType: offer.contentType };
}

function fromFormatParam(format: string): Offer | undefined {
  const wanted = format.trim().toLowerCase();
  return PREFERRED.find((offer) => offer.names.includes(wanted));
}

/**
 * Choose the serialization of a simple API response (PEP 691 "Version + Format Selection").
 * - `formatParam` (the `?format=` query value) wins when it names a supported content type
 *   exactly (SIMPLE_JSON, SIMPLE_HTML, text/html or a `latest` alias); otherwise it is ignored.
 * - No Accept header (undefined, null, blank, or only malformed entries): text/html.
 * - Otherwise each offer gets the q of the most specific range matching it; the highest q > 0
 *   wins, then the most specific match, then JSON > v1+html > text/html (only-`*\/*` matches:
 *   text/html > v1+html > JSON).
 * @returns the chosen format and Content-Type, or null when nothing offered is acceptable (the
 *   caller answers 406 Not Acceptable).
 */
export function negotiate(
  accept: string | undefined | null,
  formatParam?: string | null,
): Negotiated | null {
  if (formatParam) {
    const forced = fromFormatParam(formatParam);
    if (forced) return pick(forced);
  }
  const ranges = (accept ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map(parseRange)
    .filter((r): r is MediaRange => r !== undefined);
  if (ranges.length === 0) return pick(LEGACY_OFFER);

  let best: { offer: Offer; q: number; specificity: number } | undefined;
  for (const offer of PREFERRED) {
    let q = 0;
    let spec = 0;
    for (const range of ranges) {
      const s = Math.max(...offer.names.map((name) => specificity(range, name)));
      if (s > spec) {
        spec = s;
        q = range.q;
      } else if (s === spec && s > 0) {
        q = Math.max(q, range.q);
      }
    }
    if (spec === 0 || q === 0) continue;
    if (!best || q > best.q || (q === best.q && spec > best.specificity)) {
      best = { offer, q, specificity: spec };
    } else if (q === best.q && spec === 1 && best.specificity === 1) {
      // Only */* matched both: fall back to the legacy-first order.
      if (LEGACY_FIRST.indexOf(offer) < LEGACY_FIRST.indexOf(best.offer)) {
        best = { offer, q, specificity: spec };
      }
    }
  }
  return best ? pick(best.offer) : null;
}

/**
 * The Accept header a simple API client should send: JSON preferred, v1 HTML next, legacy
 * text/html last (q=0.01, as the spec recommends, since a text/html page may be any web page).
 */
export function acceptHeader(): string {
  return `${SIMPLE_JSON}, ${SIMPLE_HTML};q=0.2, text/html;q=0.01`;
}
