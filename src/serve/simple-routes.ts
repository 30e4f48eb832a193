// The simple index pages: `/simple/` (every project) and `/simple/<project>/` (its files), each
// as PEP 691 JSON or PEP 503 HTML by content negotiation, plus the flat `/links/` page for
// `pip --find-links`.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/ (PEP 503,
// 592, 629, 658, 691, 700, 714).
// Traps:
// - A non-canonical project name answers 301 to the canonical URL, keeping `?format=`.
// - Every negotiated answer carries `Vary: Accept`, or a shared cache would hand JSON to a
//   client that asked for HTML.
// - core-metadata is advertised only for wheels, whose METADATA the store holds byte-for-byte;
//   an sdist's PKG-INFO may be unreliable (metadata < 2.2), and PyPI offers none for sdists.
// - PEP 792: a project with a status other than active gets api-version 1.4 and the status; a
//   quarantined one lists no file (and /links/ leaves its files out), as the spec requires.

import type { Context, Hono } from "hono";
import { type Negotiated, negotiate } from "../pep/accept.js";
import { canonicalizeName, isValidName } from "../pep/names.js";
import { renderLinksHtml, renderProjectHtml, renderProjectListHtml } from "../pep/simple-html.js";
import { renderProjectJson, renderProjectListJson } from "../pep/simple-json.js";
import type { DistributionFile, ProjectPage, ProjectStatus } from "../pep/simple-types.js";
import {
  PROJECT_STATUS_API_VERSION,
  PROVENANCE_API_VERSION,
  SIMPLE_API_VERSION,
} from "../pep/simple-types.js";
import { compareVersions } from "../pep/version.js";
import { projectStatus, quarantinedProjects } from "../store/project-status.js";
import { attestedFiles } from "../store/provenance.js";
import { findProject, iterateFiles, listFiles, listProjects } from "../store/queries.js";
import type { Store } from "../store/store.js";
import type { StoredFile } from "../store/types.js";
import type { CachedPage, PageCache } from "./page-cache.js";
import { problem } from "./problem.js";
import { formatUploadTime } from "./upload-time.js";
import { fileUrl, provenanceUrl, publicUrl } from "./urls.js";

/** What the page routes need. */
export interface SimpleRoutesOptions {
  store: Store;
  cache: PageCache;
  baseUrl?: string;
}

/** Mount `/simple/`, `/simple/:project/` and `/links/` on `app`. */
export function mountSimpleRoutes(app: Hono, options: SimpleRoutesOptions): void {
  const { store, cache, baseUrl } = options;

  // Redirects go under the base URL like the links do: behind a proxy at /pypi/, a bare
  // "/simple/..." would send the client out of the index.
  const redirect = (c: Context, path: string) =>
    c.redirect(publicUrl(baseUrl, withQuery(c, path)), 301);

  app.get("/simple", (c) => redirect(c, "/simple/"));
  app.get("/simple/", (c) => {
    const chosen = negotiate(c.req.header("Accept"), c.req.query("format"));
    if (chosen === null) return notAcceptable(c);
    const page = cache.get(`/simple/ ${chosen.contentType}`, () => {
      const list = {
        apiVersion: SIMPLE_API_VERSION,
        // Canonical names: the list links to `<name>/`, and a canonical link needs no redirect.
        projects: listProjects(store).map((p) => ({ name: p.name })),
      };
      return {
        body: chosen.format === "json" ? renderProjectListJson(list) : renderProjectListHtml(list),
        contentType: contentTypeOf(chosen),
      };
    });
    return send(c, page!, cache, true);
  });

  // The redirect keeps the path as it came (still percent-encoded): Hono's c.req.path is
  // decoded, and a decoded "%0A" cannot go in a Location header.
  app.get("/simple/:project", (c) => redirect(c, `${new URL(c.req.url).pathname}/`));
  app.get("/simple/:project/", (c) => {
    // Hono decodes path parameters already; a second decode would read "%252D" as "-" and
    // throw on a malformed escape.
    const raw = c.req.param("project");
    if (!isValidName(raw)) {
      return problem(
        404,
        "PROJECT_NOT_FOUND",
        `project ${JSON.stringify(raw)} is not a valid name`,
      );
    }
    const name = canonicalizeName(raw);
    if (name !== raw) return redirect(c, `/simple/${name}/`);
    const chosen = negotiate(c.req.header("Accept"), c.req.query("format"));
    if (chosen === null) return notAcceptable(c);
    const page = cache.get(`/simple/${name}/ ${chosen.contentType}`, () => {
      const project = findProject(store, name);
      if (project === undefined) return undefined;
      const status = projectStatus(store, name);
      const attested = attestedFiles(store, name);
      const doc = projectPage(project.name, listFiles(store, name), baseUrl, status, attested);
      return {
        body: chosen.format === "json" ? renderProjectJson(doc) : renderProjectHtml(doc),
        contentType: contentTypeOf(chosen),
      };
    });
    if (page === undefined) {
      return problem(
        404,
        "PROJECT_NOT_FOUND",
        `project ${JSON.stringify(name)} is not in this index`,
        {
          Vary: "Accept",
        },
      );
    }
    return send(c, page, cache, true);
  });

  app.get("/links", (c) => redirect(c, "/links/"));
  app.get("/links/", (c) => {
    const page = cache.get("/links/", () => {
      const quarantined = quarantinedProjects(store);
      const files: DistributionFile[] = [];
      for (const f of iterateFiles(store)) {
        if (!quarantined.has(f.project)) files.push(distributionFile(f, baseUrl, NONE));
      }
      return {
        body: renderLinksHtml(files, "wheelhouse find-links"),
        contentType: "text/html; charset=utf-8",
      };
    });
    return send(c, page!, cache, false);
  });
}

/**
 * The Content-Type of a negotiated page. PEP 503 pages must be valid HTML5, and an HTML5
 * document with no BOM and no `<meta charset>` must name its encoding in the header; browsers
 * would read a non-ASCII yank reason as windows-1252. The vnd types stay bare: they are not
 * text/*, and clients compare them by prefix.
 */
function contentTypeOf(chosen: Negotiated): string {
  return chosen.contentType === "text/html" ? "text/html; charset=utf-8" : chosen.contentType;
}

/**
 * The simple-API model of one project from its catalog rows (versions ascending, PEP 700), with
 * its PEP 792 status when it has one (API 1.4; a quarantined project lists no file), and the
 * provenance URL (PEP 740, API 1.3) of each file whose sha256 is in `attested`.
 */
export function projectPage(
  name: string,
  files: StoredFile[],
  baseUrl?: string,
  status?: ProjectStatus,
  attested: ReadonlySet<string> = new Set(),
): ProjectPage {
  const offered = status?.status === "quarantined" ? [] : files;
  const versions = [...new Set(offered.map((f) => f.version))].sort(compareVersions);
  const page: ProjectPage = {
    name,
    apiVersion:
      status !== undefined
        ? PROJECT_STATUS_API_VERSION
        : offered.some((f) => attested.has(f.sha256))
          ? PROVENANCE_API_VERSION
          : SIMPLE_API_VERSION,
    versions,
    files: offered.map((f) => distributionFile(f, baseUrl, attested)),
  };
  if (status !== undefined) {
    page.status = {
      status: status.status,
      ...(status.reason !== undefined ? { reason: status.reason } : {}),
    };
  }
  return page;
}

const NONE: ReadonlySet<string> = new Set();

function distributionFile(
  f: StoredFile,
  baseUrl: string | undefined,
  attested: ReadonlySet<string>,
): DistributionFile {
  const file: DistributionFile = {
    filename: f.filename,
    url: fileUrl(baseUrl, f.sha256, f.filename),
    hashes: { sha256: f.sha256 },
    yanked: f.yanked,
    coreMetadata: f.packageType === "bdist_wheel" ? { sha256: f.metadataSha256 } : false,
    size: f.size,
  };
  if (f.requiresPython) file.requiresPython = f.requiresPython;
  const uploadTime = f.uploadTime ? formatUploadTime(f.uploadTime) : undefined;
  if (uploadTime !== undefined) file.uploadTime = uploadTime;
  if (attested.has(f.sha256)) file.provenance = provenanceUrl(baseUrl, f.sha256, f.filename);
  return file;
}

function send(c: Context, page: CachedPage, cache: PageCache, negotiated: boolean): Response {
  const headers: Record<string, string> = {
    "Content-Type": page.contentType,
    ETag: page.etag,
    "Cache-Control": "max-age=60, must-revalidate",
  };
  if (negotiated) headers.Vary = "Accept, Accept-Encoding";
  else headers.Vary = "Accept-Encoding";
  const gzip = acceptsGzip(c.req.header("Accept-Encoding")) && page.body.length > 512;
  // RFC 9110 §8.8.3: the gzip bytes are another representation, so another strong validator
  // ("...-gz"); If-None-Match matches either, since both stand for the same page. A 304 names
  // the validator a 200 would have sent (§15.4.5), so it is chosen before the check.
  if (gzip) headers.ETag = gzipEtag(page.etag);
  const ifNoneMatch = c.req.header("If-None-Match");
  if (etagMatches(ifNoneMatch, page.etag) || etagMatches(ifNoneMatch, gzipEtag(page.etag))) {
    return new Response(null, { status: 304, headers });
  }
  if (gzip) headers["Content-Encoding"] = "gzip";
  if (c.req.method === "HEAD") return new Response(null, { status: 200, headers });
  return new Response(gzip ? cache.gzip(page) : page.body, { status: 200, headers });
}

/** The ETag of a page's gzip representation: `"x"` -> `"x-gz"`. */
function gzipEtag(etag: string): string {
  return etag.endsWith('"') ? `${etag.slice(0, -1)}-gz"` : `${etag}-gz`;
}

/** RFC 9110 §13.1.2: weak comparison, `*` matches anything. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === "*" || t === bare);
}

/**
 * RFC 9110 §12.5.3: gzip is acceptable when its own entry (or "x-gzip") has q > 0, or, when
 * neither is listed, when "*" has q > 0. An explicit "gzip;q=0" wins over "*".
 */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let own: number | undefined;
  let any: number | undefined;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.split(";").map((s) => s.trim());
    const name = coding.toLowerCase();
    const qParam = params.find((p) => /^q\s*=/i.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.slice(qParam.indexOf("=") + 1).trim());
    if (Number.isNaN(q)) continue;
    if (name === "gzip" || name === "x-gzip") own = Math.max(own ?? 0, q);
    else if (name === "*") any = Math.max(any ?? 0, q);
  }
  return (own ?? any ?? 0) > 0;
}

function notAcceptable(c: Context): Response {
  return problem(
    406,
    "NOT_ACCEPTABLE",
    `none of the types in Accept ${JSON.stringify(c.req.header("Accept") ?? "")} is offered; this index serves application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html and text/html`,
    { Vary: "Accept" },
  );
}

function withQuery(c: Context, path: string): string {
  const query = new URL(c.req.url).search;
  return `${path}${query}`;
}
