// The HTML serialization of the simple repository API (PEP 503) with its data- attributes:
// PEP 592 data-yanked, PEP 629 repository-version meta, PEP 658/714 data-core-metadata, PEP 740
// data-provenance, data-gpg-sig, data-requires-python, PEP 792 project-status metas; plus flat
// find-links pages (any page of links). Parse (htmlparser2) and render.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/#base-html-api
// Traps:
// - The filename is the last path segment of the URL, percent-decoded, not the anchor text
//   (pages in the wild disagree, e.g. "x.tar.bz2" linked with the text "x.tar.bz").
// - The document base URL is the first `<base href>` wherever it appears, resolved against the
//   page URL, so anchors are resolved only after the whole page is read.
// - data-requires-python holds "<" and ">" entity-escaped; the parser decodes entities in
//   attributes (including legacy ones without ";" the HTML5 way). Pages without "&" are read
//   with decoding off, which only makes htmlparser2 faster.
// - PEP 714: read data-core-metadata when present, else data-dist-info-metadata; render both with
//   the same value (the spec allows the mirror in HTML only and requires it to match).
// - A valueless data-yanked means "yanked without a reason" (""), not "not yanked".

import { Parser } from "htmlparser2";
import { quote, WheelhouseError } from "./errors.js";
import { createLinkResolver, type ResolvedLink } from "./link-url.js";
import {
  checkApiVersion,
  type DistributionFile,
  filenameFromSegment,
  type ProjectList,
  type ProjectPage,
  type ProjectStatus,
  pickHash,
} from "./simple-types.js";
import { hashesFromFragment } from "./url-fragment.js";

interface Anchor {
  attribs: Record<string, string>;
  text: string;
}

interface HtmlDocument {
  anchors: Anchor[];
  base: URL;
  title?: string;
  h1?: string;
  repositoryVersion?: string;
  serial?: number;
  /** PEP 792 `pypi:project-status` and `pypi:project-status-reason` meta contents. */
  projectStatus?: string;
  projectStatusReason?: string;
}

function pageBase(pageUrl: string, code: string): URL {
  try {
    return new URL(pageUrl);
  } catch {
    throw new WheelhouseError(
      code,
      `simple API page ${quote(pageUrl)} is invalid: its URL is not an absolute URL`,
    );
  }
}

/** Read the parts of an HTML page the simple API gives meaning to. */
function readHtml(text: string, pageUrl: URL): HtmlDocument {
  const doc: HtmlDocument = { anchors: [], base: pageUrl };
  let baseHref: string | undefined;
  let anchor: Anchor | undefined;
  let capture: "title" | "h1" | undefined;
  let captured = "";
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === "a") {
          anchor = { attribs, text: "" };
          doc.anchors.push(anchor);
        } else if (name === "base" && baseHref === undefined && attribs.href !== undefined) {
          baseHref = attribs.href;
        } else if (name === "meta" && attribs.name !== undefined) {
          const key = attribs.name.toLowerCase();
          if (key === "pypi:repository-version") doc.repositoryVersion ??= attribs.content;
          else if (key === "pypi:project-status") doc.projectStatus ??= attribs.content;
          else if (key === "pypi:project-status-reason") {
            doc.projectStatusReason ??= attribs.content;
          }
        } else if ((name === "title" || name === "h1") && doc[name] === undefined) {
          capture = name;
          captured = "";
        }
      },
      ontext(data) {
        if (anchor) anchor.text += data;
        if (capture) captured += data;
      },
      onclosetag(name) {
        if (name === "a") anchor = undefined;
        if (name === capture) {
          doc[capture] = captured.trim();
          capture = undefined;
        }
      },
      oncomment(data) {
        const m = /^\s*SERIAL\s+(\d+)\s*$/.exec(data);
        if (m && doc.serial === undefined) doc.serial = Number(m[1]);
      },
    },
    // Without any "&" there is nothing to decode, and htmlparser2 then skips through text and
    // attribute values with indexOf instead of stepping through each character: a project page
    // of 80 links parsed 15% faster. Every other difference between the modes is guarded by a
    // check for "&", so the result is the same (tests/pep/simple-html-entities.test.ts).
    { decodeEntities: text.includes("&"), lowerCaseAttributeNames: true, lowerCaseTags: true },
  );
  parser.write(text);
  parser.end();
  if (baseHref !== undefined) {
    try {
      doc.base = new URL(baseHref.trim(), pageUrl);
    } catch {
      // An unusable <base href> is ignored, as browsers do.
    }
  }
  return doc;
}

/** PEP 658 value: "true", "false", or "<hashname>=<hex>"; anything else advertises without hash. */
const HEX = /^[0-9a-f]+$/i;

function parseCoreMetadata(value: string | undefined): false | Record<string, string> {
  if (value === undefined) return false;
  const v = value.trim();
  if (v.toLowerCase() === "false") return false;
  const eq = v.indexOf("=");
  if (eq <= 0) return {};
  const hex = v.slice(eq + 1).trim();
  return HEX.test(hex) ? { [v.slice(0, eq).trim().toLowerCase()]: hex.toLowerCase() } : {};
}

function fileFromAnchor(
  anchor: Anchor,
  base: URL,
  resolve: (href: string) => ResolvedLink | undefined,
): DistributionFile | undefined {
  const a = anchor.attribs;
  if (a.href === undefined) return undefined;
  const link = resolve(a.href.trim());
  if (link === undefined) return undefined;
  const filename = filenameFromSegment(link.lastSegment);
  if (filename === "") return undefined;
  const hashes = hashesFromFragment(link.hash);
  const file: DistributionFile = {
    filename,
    url: link.url,
    hashes,
    yanked: a["data-yanked"] ?? false,
    coreMetadata: parseCoreMetadata(a["data-core-metadata"] ?? a["data-dist-info-metadata"]),
  };
  const requiresPython = a["data-requires-python"];
  if (requiresPython !== undefined && requiresPython.trim() !== "") {
    file.requiresPython = requiresPython;
  }
  const gpg = a["data-gpg-sig"]?.trim().toLowerCase();
  if (gpg === "true" || gpg === "false") file.gpgSig = gpg === "true";
  if (a["data-provenance"] !== undefined && a["data-provenance"].trim() !== "") {
    try {
      file.provenance = new URL(a["data-provenance"].trim(), base).href;
    } catch {
      // An unusable provenance URL is as good as none.
    }
  }
  return file;
}

/**
 * Every `<a href>` of any HTML page (a PEP 503 project page or a flat find-links page) as a
 * distribution file: URL resolved against the `<base href>`/page URL and stripped of its
 * fragment, hashes from the fragment, data- attributes decoded. Links whose URL ends in "/" (no
 * filename) or does not parse are skipped.
 * @throws WheelhouseError "INVALID_PROJECT_PAGE" when `pageUrl` is not an absolute URL.
 */
export function parseLinksHtml(text: string, pageUrl: string): DistributionFile[] {
  const doc = readHtml(text, pageBase(pageUrl, "INVALID_PROJECT_PAGE"));
  return collectFiles(doc);
}

function collectFiles(doc: HtmlDocument): DistributionFile[] {
  const files: DistributionFile[] = [];
  const resolve = createLinkResolver(doc.base);
  for (const anchor of doc.anchors) {
    const file = fileFromAnchor(anchor, doc.base, resolve);
    if (file) files.push(file);
  }
  return files;
}

const LINKS_FOR = /^Links for\s+(.+)$/i;

function nameFromUrl(url: URL): string {
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const last = segments[segments.length - 1] ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * Parse a PEP 503 HTML project page. `name` comes from "Links for <name>" in the title (or h1),
 * else from the last path segment of `pageUrl`; `apiVersion` from
 * `<meta name="pypi:repository-version">`, "1.0" when absent (PEP 629 says clients MUST assume it).
 * @throws WheelhouseError "INVALID_PROJECT_PAGE" when `pageUrl` is not an absolute URL;
 *   "UNSUPPORTED_API_VERSION" when the repository version's major is not 1.
 */
export function parseProjectHtml(text: string, pageUrl: string): ProjectPage {
  const base = pageBase(pageUrl, "INVALID_PROJECT_PAGE");
  const doc = readHtml(text, base);
  const titled = LINKS_FOR.exec(doc.title ?? "") ?? LINKS_FOR.exec(doc.h1 ?? "");
  const page: ProjectPage = {
    name: titled ? titled[1].trim() : nameFromUrl(base),
    files: collectFiles(doc),
    apiVersion:
      doc.repositoryVersion === undefined ? "1.0" : checkApiVersion(doc.repositoryVersion, pageUrl),
  };
  if (doc.serial !== undefined) page.lastSerial = doc.serial;
  const status = doc.projectStatus?.trim().toLowerCase();
  if (status) {
    page.status = { status };
    if (doc.projectStatusReason) page.status.reason = doc.projectStatusReason;
  }
  return page;
}

/**
 * Parse a PEP 503 HTML project list (the index root): one project per anchor, named by the
 * anchor text (whitespace trimmed; anchors with empty text are skipped).
 * @throws WheelhouseError "INVALID_PROJECT_LIST" when `pageUrl` is not an absolute URL;
 *   "UNSUPPORTED_API_VERSION" when the repository version's major is not 1.
 */
export function parseProjectListHtml(text: string, pageUrl: string): ProjectList {
  const doc = readHtml(text, pageBase(pageUrl, "INVALID_PROJECT_LIST"));
  const projects = doc.anchors.map((a) => ({ name: a.text.trim() })).filter((p) => p.name !== "");
  return {
    apiVersion:
      doc.repositoryVersion === undefined ? "1.0" : checkApiVersion(doc.repositoryVersion, pageUrl),
    projects,
  };
}

/** Escape text for an HTML text node or a double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function renderAnchor(file: DistributionFile): string {
  const hash = pickHash(file.hashes);
  const hashIndex = file.url.indexOf("#");
  const url = hashIndex < 0 ? file.url : file.url.slice(0, hashIndex);
  let attrs = ` href="${escapeHtml(hash ? `${url}#${hash[0]}=${hash[1]}` : url)}"`;
  if (file.requiresPython !== undefined && file.requiresPython !== "") {
    attrs += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
  }
  if (file.yanked !== false) attrs += ` data-yanked="${escapeHtml(file.yanked)}"`;
  if (file.coreMetadata !== false) {
    const md = pickHash(file.coreMetadata);
    const value = escapeHtml(md ? `${md[0]}=${md[1]}` : "true");
    attrs += ` data-core-metadata="${value}" data-dist-info-metadata="${value}"`;
  }
  if (file.gpgSig !== undefined) attrs += ` data-gpg-sig="${file.gpgSig}"`;
  if (typeof file.provenance === "string") {
    attrs += ` data-provenance="${escapeHtml(file.provenance)}"`;
  }
  return `    <a${attrs}>${escapeHtml(file.filename)}</a><br />\n`;
}

function renderPage(
  title: string,
  apiVersion: string | undefined,
  body: string,
  status?: ProjectStatus,
): string {
  let meta =
    apiVersion === undefined
      ? ""
      : `    <meta name="pypi:repository-version" content="${escapeHtml(apiVersion)}">\n`;
  if (status !== undefined) {
    meta += `    <meta name="pypi:project-status" content="${escapeHtml(status.status)}">\n`;
    if (status.reason !== undefined) {
      meta += `    <meta name="pypi:project-status-reason" content="${escapeHtml(status.reason)}">\n`;
    }
  }
  return (
    '<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset="utf-8">\n' +
    meta +
    `    <title>${escapeHtml(title)}</title>\n  </head>\n  <body>\n` +
    `    <h1>${escapeHtml(title)}</h1>\n${body}  </body>\n</html>\n`
  );
}

/**
 * Render a PEP 503 HTML project page: `<!DOCTYPE html>`, `<meta charset="utf-8">` (HTML5 needs the
 * encoding named, and the vnd.pypi types carry no charset parameter), the PEP 629 meta,
 * title and h1 "Links for <name>", one anchor per file in the given order:
 * `href="<url>#<hash>=<hex>"` (sha256 preferred; one hash only), data-requires-python
 * (escaped, e.g. `&gt;=3.8`), data-yanked (reason escaped, "" when no reason),
 * data-core-metadata and data-dist-info-metadata with the same value ("sha256=<hex>" or "true"),
 * data-gpg-sig and data-provenance when known; `<!--SERIAL n-->` after `</html>` when known;
 * PEP 792's `pypi:project-status` (and `-reason`) meta when `page.status` is set.
 * Deterministic. PEP 700 fields (size, upload-time, versions) have no HTML form and are dropped.
 */
export function renderProjectHtml(page: ProjectPage): string {
  const html = renderPage(
    `Links for ${page.name}`,
    page.apiVersion,
    page.files.map(renderAnchor).join(""),
    page.status,
  );
  return page.lastSerial === undefined ? html : `${html}<!--SERIAL ${page.lastSerial}-->\n`;
}

/**
 * Render a PEP 503 HTML project list: one `<a href="<name>/">name</a>` per project, in the
 * given order, names as given (the href is percent-encoded and relative to the index root).
 */
export function renderProjectListHtml(list: ProjectList): string {
  const body = list.projects
    .map(
      (p) => `    <a href="${escapeHtml(encodeURIComponent(p.name))}/">${escapeHtml(p.name)}</a>\n`,
    )
    .join("");
  return renderPage("Simple index", list.apiVersion, body);
}

/**
 * Render a flat find-links page (pip `--find-links <url>`): the same anchors as a project page,
 * without a repository version (it is not a simple API response). `title` defaults to "Links".
 */
export function renderLinksHtml(files: DistributionFile[], title = "Links"): string {
  return renderPage(title, undefined, files.map(renderAnchor).join(""));
}
