// Requirements that name a file instead of a project (`./six-1.17.0-py3-none-any.whl`,
// `six @ file:///wheels/six-1.17.0-py3-none-any.whl`, a path line in a requirements file), as
// `pip install --no-index` takes them: that file, and only it, is the candidate for its project.
// Each becomes `name[extras]==version; marker` plus the file, so the resolver needs no notion of
// URLs; the installer records the reference in direct_url.json (PEP 610).
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#argument-handling,
// https://packaging.python.org/en/latest/specifications/direct-url-data-structure/
// Traps:
// - Only local files: an http(s) URL would be a download from outside what install may read
//   (the store, local paths, --find-links); its page goes to --find-links instead.
// - A source tree (a directory) is refused with the command that builds it: install builds
//   sdists only, from the same local sources.
// - The name before `@` must be the file's project (pip's "requirement name mismatch").

import { statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseDistributionFilename } from "../../pep/filename.js";
import { canonicalizeName } from "../../pep/names.js";
import { formatRequirement, type Requirement } from "../../pep/requirement.js";

/** Requirements with the files they named taken out. */
export interface DirectReferences {
  /** Every requirement; a direct one pinned (`==version`) to its file's version, without `url`. */
  requirements: Requirement[];
  /** Canonical project name -> absolute path of the file named for it. */
  files: Map<string, string>;
}

/**
 * Take the direct references out of `requirements` (those with `url`).
 * Shape: a path in `url` is absolute or relative to the current directory; `~` is the home
 * directory; `file:` URLs are local paths.
 * @throws WheelhouseError "DIRECT_REFERENCE_UNSUPPORTED" (an http(s) URL, a directory, not a
 *   wheel or sdist filename, another project's file, two files for one project),
 *   "DIRECT_REFERENCE_NOT_FOUND"; each quotes the requirement.
 */
export function takeDirectReferences(requirements: Requirement[]): DirectReferences {
  const files = new Map<string, string>();
  const out = requirements.map((r) => {
    if (r.url === undefined) return r;
    const path = localPath(r);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) {
      throw new WheelhouseError(
        "DIRECT_REFERENCE_NOT_FOUND",
        `requirement ${shown(r)} names ${quote(path)}, which does not exist`,
        {
          hint: "check the path (in a requirements file, a relative path is taken from that file's folder)",
        },
      );
    }
    if (stat.isDirectory()) {
      throw unsupported(
        r,
        `${quote(path)} is a directory; install takes built distributions (wheels and sdists)`,
        `build it first on a machine that can (python3 -m pip wheel --no-deps -w wheels ${path}), then install the wheel`,
      );
    }
    let file: { name: string; version: string };
    try {
      file = parseDistributionFilename(basename(path));
    } catch (cause) {
      throw unsupported(
        r,
        `${quote(basename(path))} is not named as a wheel or an sdist (${(cause as Error).message})`,
        "a wheel is name-version(-build)?-python-abi-platform.whl, an sdist name-version.tar.gz",
      );
    }
    const name = canonicalizeName(file.name);
    if (canonicalizeName(r.name) !== name) {
      throw unsupported(
        r,
        `the requirement names ${quote(r.name)}, but ${quote(basename(path))} is a distribution of ${quote(file.name)}`,
        `write ${file.name} @ ${pathToFileURL(path).href}, or give the path alone`,
      );
    }
    const other = files.get(name);
    if (other !== undefined && other !== path) {
      throw unsupported(
        r,
        `${quote(file.name)} is also named by ${quote(other)}`,
        "name one file per project",
      );
    }
    files.set(name, path);
    const { url: _, ...rest } = r;
    return { ...rest, specifier: `==${file.version}` };
  });
  return { requirements: out, files };
}

/**
 * The direct_url.json (PEP 610) of a distribution installed from the file at `url` (a file:
 * URL), with its sha256 when known: `{"url": ..., "archive_info": {"hashes": {"sha256": ...}}}`.
 */
export function directUrlJson(url: string, sha256: string | undefined): string {
  const archiveInfo = sha256 === undefined ? {} : { hash: `sha256=${sha256}`, hashes: { sha256 } };
  return JSON.stringify({ url, archive_info: archiveInfo });
}

function localPath(r: Requirement): string {
  const url = r.url!;
  if (/^file:/i.test(url)) {
    try {
      return fileURLToPath(url);
    } catch (cause) {
      throw unsupported(
        r,
        `${quote(url)} is not a local file URL (${(cause as Error).message})`,
        "write file:///absolute/path",
      );
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw unsupported(
      r,
      "install reads files only from the store, local paths and --find-links, never from a URL",
      "give the page that links it with --find-links URL and require the project by name, or download the file and give its path",
    );
  }
  if (url === "~" || url.startsWith("~/")) return resolve(homedir(), url.slice(2));
  return resolve(url);
}

function shown(r: Requirement): string {
  return quote(formatRequirement(r));
}

function unsupported(r: Requirement, why: string, hint: string): WheelhouseError {
  return new WheelhouseError("DIRECT_REFERENCE_UNSUPPORTED", `requirement ${shown(r)}: ${why}`, {
    hint,
  });
}
