// Fetch project pages from a simple index: PEP 691 JSON asked for first, PEP 503 HTML understood
// when that is what comes back; one fetch per page per run.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/
// Traps:
// - Parse by the Content-Type the server answered, not by what we asked for: many indexes
//   (devpi, Artifactory, nginx trees) ignore Accept and send text/html.
// - Relative file URLs resolve against the FINAL page URL (after redirects), which the parsers
//   receive as `pageUrl`.
// - 404 (and 410) mean "no such project here", an empty page, not an error: the next index or a
//   find-links source may have it.
// - Concurrent callers asking for the same page share one request (the cache holds promises).

import { acceptHeader } from "../../pep/accept.js";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseProjectHtml } from "../../pep/simple-html.js";
import { parseProjectJson, SIMPLE_HTML, SIMPLE_JSON } from "../../pep/simple-json.js";
import type { ProjectPage } from "../../pep/simple-types.js";
import type { HttpClient } from "../http/http-client.js";
import { redactUrl } from "../http/http-errors.js";

/** Fetches and caches project pages. */
export interface IndexClient {
  /**
   * The page of `project` (PEP 503 canonical name) on the index at `indexUrl` (its root, e.g.
   * "https://pypi.org/simple/"); a page with no files when the index does not know the project.
   * @throws WheelhouseError from the HTTP client, or "INVALID_SIMPLE_PAGE" / the parsers' codes
   *   when the answer is neither JSON nor HTML of the simple API.
   */
  fetchProjectPage(indexUrl: string, project: string): Promise<ProjectPage>;
}

/** The URL of a project's page: the index root with a trailing slash, then `<project>/`. */
export function projectPageUrl(indexUrl: string, project: string): string {
  const root = new URL(indexUrl);
  if (!root.pathname.endsWith("/")) root.pathname += "/";
  return new URL(`${encodeURIComponent(project)}/`, root).toString();
}

/**
 * Parse a simple API answer by its Content-Type. Without one, a body starting with "{" is JSON.
 * @throws WheelhouseError "INVALID_SIMPLE_PAGE" for any other content type.
 */
export function parseProjectPage(
  text: string,
  contentType: string | undefined,
  pageUrl: string,
): ProjectPage {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type === SIMPLE_JSON || (type === "" && text.trimStart().startsWith("{"))) {
    return parseProjectJson(text, pageUrl);
  }
  if (type === SIMPLE_HTML || type === "text/html" || type === "") {
    return parseProjectHtml(text, pageUrl);
  }
  throw new WheelhouseError(
    "INVALID_SIMPLE_PAGE",
    `project page ${quote(redactUrl(pageUrl))} has content type ${quote(type)}, not a simple API page`,
    { hint: "check that the index URL points at a simple index root (e.g. .../simple/)" },
  );
}

/** Create an index client over `http`; its cache lives as long as the client. */
export function createIndexClient(http: HttpClient): IndexClient {
  const cache = new Map<string, Promise<ProjectPage>>();

  async function load(url: string, project: string): Promise<ProjectPage> {
    const res = await http.fetchBytes(url, {
      headers: { accept: acceptHeader() },
      allowStatus: [404, 410],
    });
    if (res.status === 404 || res.status === 410) {
      return { name: project, files: [], apiVersion: "1.0" };
    }
    return parseProjectPage(res.bytes.toString("utf8"), res.header("content-type"), res.url);
  }

  return {
    fetchProjectPage(indexUrl, project) {
      const url = projectPageUrl(indexUrl, project);
      let page = cache.get(url);
      if (page === undefined) {
        page = load(url, project);
        // A failed fetch is not cached: a later call may succeed.
        page.catch(() => cache.delete(url));
        cache.set(url, page);
      }
      return page;
    },
  };
}
