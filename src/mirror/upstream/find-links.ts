// List the files of a find-links location: an HTML page of links (http, https or a local .html
// file) or a local directory of distributions, as pip's --find-links understands them.
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-f (pip's behaviour; no PEP) and
// https://packaging.python.org/en/latest/specifications/simple-repository-api/ for the links.
// Traps:
// - A directory is listed, not walked: pip does not descend into subfolders. Its symlinks are
//   followed (pip lists them by their own name), and its .html/.htm files are read as pages of
//   links, whose files come after the directory's own (pip's _FlatDirectorySource).
// - An http(s) location whose path ends in a distribution name is that one file, not a page
//   (pip's _RemoteFileSource); reading it as HTML downloaded the whole file for nothing.
// - A local path is turned into a file: URL with pathToFileURL, which percent-encodes spaces and
//   "#"; the filename stays the real one.
// - Local files carry no hash: the caller hashes while copying, as for any file without one.

import { readdir, readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseLinksHtml } from "../../pep/simple-html.js";
import type { DistributionFile } from "../../pep/simple-types.js";
import { hashesFromFragment } from "../../pep/url-fragment.js";
import type { HttpClient } from "../http/http-client.js";

const DISTRIBUTION = /\.(whl|tar\.gz|zip|tar\.bz2|tgz)$/i;
const HTML_PAGE = /\.html?$/i;

/** True when `location` is an http(s) URL (a remote page) rather than a local path or file: URL. */
export function isRemoteLocation(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** The local path of a find-links location given as a path or a file: URL. */
export function localPath(location: string): string {
  return /^file:/i.test(location) ? fileURLToPath(location) : resolve(location);
}

function localFile(path: string, filename: string, size: number): DistributionFile {
  return {
    filename,
    url: pathToFileURL(path).href,
    hashes: {},
    yanked: false,
    coreMetadata: false,
    size,
  };
}

/** A remote location that names one distribution file: that file, else undefined. */
function remoteFile(location: string): DistributionFile | undefined {
  const url = new URL(location);
  const last = url.pathname.split("/").pop() ?? "";
  let filename: string;
  try {
    filename = decodeURIComponent(last);
  } catch {
    filename = last;
  }
  if (!DISTRIBUTION.test(filename)) return undefined;
  const hashes = hashesFromFragment(url.hash);
  url.hash = "";
  return {
    filename,
    url: url.href,
    hashes,
    yanked: false,
    coreMetadata: false,
  };
}

/**
 * Every file a find-links location offers (all projects; the caller filters by name).
 * - http(s) URL: GET the page, parse its links (relative to the final URL); a URL whose last
 *   segment is a distribution filename is just that file (no request).
 * - local directory: its distribution files (`.whl`, `.tar.gz`, `.zip`...), non-recursive,
 *   symlinks followed; then the links of its `.html` / `.htm` files.
 * - local `.html` file: its links, relative to the file's URL.
 * - local distribution file: just that file.
 * @throws WheelhouseError "FIND_LINKS_NOT_FOUND" for a missing local path, or the HTTP client's
 *   errors for a page (a 404 page is an error too: the user named it explicitly).
 */
export async function listFindLinks(
  http: HttpClient,
  location: string,
): Promise<DistributionFile[]> {
  if (isRemoteLocation(location)) {
    const single = remoteFile(location);
    if (single !== undefined) return [single];
    const res = await http.fetchBytes(location, { headers: { accept: "text/html" } });
    return parseLinksHtml(res.bytes.toString("utf8"), res.url);
  }
  const path = localPath(location);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new WheelhouseError(
      "FIND_LINKS_NOT_FOUND",
      `find-links location ${quote(location)} does not exist`,
      { hint: "give a directory of wheels and sdists, an HTML page of links, or its URL", cause },
    );
  }
  if (info.isDirectory()) {
    const files: DistributionFile[] = [];
    const pages: string[] = [];
    const names = (await readdir(path)).sort((a, b) => (a < b ? -1 : 1));
    for (const name of names) {
      if (!HTML_PAGE.test(name) && !DISTRIBUTION.test(name)) continue;
      const full = resolve(path, name);
      // stat, not the directory entry's type: a symlink is followed (a dangling one skipped)
      const target = await stat(full).catch(() => undefined);
      if (target === undefined || !target.isFile()) continue;
      if (HTML_PAGE.test(name)) pages.push(full);
      else if (DISTRIBUTION.test(name)) files.push(localFile(full, name, target.size));
    }
    for (const page of pages) {
      files.push(...parseLinksHtml(await readFile(page, "utf8"), pathToFileURL(page).href));
    }
    return files;
  }
  if (HTML_PAGE.test(path)) {
    return parseLinksHtml(await readFile(path, "utf8"), pathToFileURL(path).href);
  }
  return [localFile(path, path.split(/[\\/]/).pop() ?? path, info.size)];
}
