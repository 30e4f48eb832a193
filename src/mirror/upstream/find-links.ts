// List the files of a find-links location: an HTML page of links (http, https or a local .html
// file) or a local directory of distributions, as pip's --find-links understands them.
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-f (pip's behaviour; no PEP) and
// https://packaging.python.org/en/latest/specifications/simple-repository-api/ for the links.
// Traps:
// - A directory is listed, not walked: pip does not descend into subfolders.
// - A local path is turned into a file: URL with pathToFileURL, which percent-encodes spaces and
//   "#"; the filename stays the real one.
// - Local files carry no hash: the caller hashes while copying, as for any file without one.

import { readdir, readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseLinksHtml } from "../../pep/simple-html.js";
import type { DistributionFile } from "../../pep/simple-types.js";
import type { HttpClient } from "./http-client.js";

const DISTRIBUTION = /\.(whl|tar\.gz|zip|tar\.bz2|tgz)$/i;

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

/**
 * Every file a find-links location offers (all projects; the caller filters by name).
 * - http(s) URL: GET the page, parse its links (relative to the final URL).
 * - local directory: its distribution files (`.whl`, `.tar.gz`, `.zip`...), non-recursive.
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
    const entries = await readdir(path, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!entry.isFile() || !DISTRIBUTION.test(entry.name)) continue;
      const full = resolve(path, entry.name);
      files.push(localFile(full, entry.name, (await stat(full)).size));
    }
    return files;
  }
  if (/\.html?$/i.test(path)) {
    return parseLinksHtml(await readFile(path, "utf8"), pathToFileURL(path).href);
  }
  return [localFile(path, path.split(/[\\/]/).pop() ?? path, info.size)];
}
