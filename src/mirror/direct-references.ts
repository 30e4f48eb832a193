// Requirements that name a file instead of a project (`./six-1.17.0-py3-none-any.whl`,
// `six @ file:///wheels/six-1.17.0-py3-none-any.whl`, `six @ https://host/six-1.17.0-py3-none-any.whl`,
// a path or URL line in a requirements file), as pip takes them: that file, and only it, is the
// candidate for its project. Each becomes `name[extras]==version; marker` plus the file, so the
// resolver needs no notion of URLs. What each command does with the file is its own: sync
// downloads it (or copies a local one) into the store; install and bundle, which read no URL,
// take the local file or the file of that name in the store and --find-links locations.
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#argument-handling,
// https://packaging.python.org/en/latest/specifications/dependency-specifiers/ (direct
// references), https://packaging.python.org/en/latest/specifications/direct-url-data-structure/
// Traps:
// - A source tree (a directory) is not a file: install takes it out before this module sees it
//   and builds it with the target's pip (install/build-source-trees.ts); sync and bundle, which
//   carry built distributions (wheels and sdists) to another machine, refuse it here with the
//   command that builds its wheel.
// - A version-control URL is refused with the command that builds it: a checkout has neither a
//   version nor a filename to find it by offline.
// - The name before `@` must be the file's project (pip's "requirement name mismatch").
// - A requirement whose marker does not hold on the target is dropped before anything is looked
//   up, so that one project may name one file per platform (`torch @ ...linux.whl ; sys_platform
//   == "linux"` beside the Windows one).
// - `#sha256=` in the URL is a hash the file must have; it joins the project's `--hash` values
//   (both must agree when both are given).

import { statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { quote, WheelhouseError } from "../pep/errors.js";
import { parseDistributionFilename } from "../pep/filename.js";
import { evaluateMarker } from "../pep/marker.js";
import { canonicalizeName } from "../pep/names.js";
import { formatRequirement, type Requirement } from "../pep/requirement.js";
import { hashesFromFragment } from "../pep/url-fragment.js";

/** The file a direct reference names. */
export interface DirectFile {
  /** Canonical project name. */
  project: string;
  /** The requirement as written back (PEP 508 text), for messages. */
  requirement: string;
  /** The distribution's filename, e.g. "six-1.17.0-py3-none-any.whl". */
  filename: string;
  /** Its version, from the filename (PEP 440, normalized). */
  version: string;
  /** Its URL without the fragment: a `file:` URL for a local file, else http(s). */
  url: string;
  /** The absolute local path, for a path or a `file:` URL. */
  path?: string;
  /** The sha256 the URL's fragment states (`#sha256=`), lower-case hex. */
  sha256?: string;
  /** Other digests the fragment states (hashlib name -> hex). */
  hashes?: Record<string, string>;
}

/** Requirements with the files they named taken out. */
export interface DirectReferences {
  /**
   * Every requirement that applies; a direct one pinned (`==version`) to its file's version,
   * without `url`. Direct references whose marker does not hold on the target are left out.
   */
  requirements: Requirement[];
  /** Canonical project name -> the file named for it. */
  files: Map<string, DirectFile>;
}

/**
 * Take the direct references out of `requirements` (those with `url`).
 * Shape: a path in `url` is absolute or relative to the current directory; `~` is the home
 * directory; `file:` URLs are local paths; http(s) URLs end in the file's name. `env` (a PEP 508
 * marker environment) drops the direct references whose marker does not hold there; without it
 * every one counts.
 * @throws WheelhouseError "DIRECT_REFERENCE_UNSUPPORTED" (a version-control or other URL, a
 *   directory (install takes those out first), not a wheel or sdist filename, another project's
 *   file, two files for one project), "DIRECT_REFERENCE_NOT_FOUND" (a local file that does not
 *   exist); each quotes the requirement.
 */
export function takeDirectReferences(
  requirements: Requirement[],
  env?: Record<string, string>,
): DirectReferences {
  const files = new Map<string, DirectFile>();
  const out: Requirement[] = [];
  for (const r of requirements) {
    if (r.url === undefined) {
      out.push(r);
      continue;
    }
    if (env !== undefined && r.marker !== undefined && !evaluateMarker(r.marker, env)) continue;
    const file = /^https?:\/\//i.test(r.url) ? remoteFile(r) : localFile(r);
    addFragmentHashes(file, r.url);
    const other = files.get(file.project);
    if (other !== undefined && other.url !== file.url) {
      throw unsupported(
        r,
        `${quote(file.project)} is also named by ${quote(other.requirement)}`,
        "name one file per project (give each its marker when they are for different platforms)",
      );
    }
    files.set(file.project, file);
    const { url: _, ...rest } = r;
    out.push({ ...rest, specifier: `==${file.version}` });
  }
  return { requirements: out, files };
}

/**
 * `hashes` (canonical name -> allowed sha256) with each direct file's `#sha256=` added: the
 * project's only allowed digest. `hashes` itself is not changed.
 * @throws WheelhouseError "HASH_MISMATCH" when a project's `--hash` values leave out its URL's.
 */
export function withFragmentHashes(
  hashes: Map<string, Set<string>> | undefined,
  files: Map<string, DirectFile>,
): Map<string, Set<string>> | undefined {
  let out = hashes;
  for (const file of files.values()) {
    if (file.sha256 === undefined) continue;
    const given = hashes?.get(file.project);
    if (given !== undefined && !given.has(file.sha256)) {
      throw new WheelhouseError(
        "HASH_MISMATCH",
        `requirement ${quote(file.requirement)}: its URL states sha256 ${file.sha256}, which none of its --hash values gives`,
        { hint: "the URL's #sha256= and the --hash values must name the same file" },
      );
    }
    out = new Map(out);
    out.set(file.project, new Set([file.sha256]));
  }
  return out;
}

/** Direct URL data (PEP 610) of an archive: `{url, archive_info: {hash?, hashes?}}`. */
export interface ArchiveUrlData {
  url: string;
  archive_info: { hash?: string; hashes?: Record<string, string> };
}

/** Direct URL data (PEP 610) of a local directory: `{url: "file:///...", dir_info: {}}`. */
export interface DirectoryUrlData {
  url: string;
  /** `editable: true` only for an editable install; wheelhouse makes none, so always `{}`. */
  dir_info: { editable?: boolean };
}

/** The direct URL data of an installed distribution (PEP 610), as wheelhouse writes it. */
export type DirectUrlData = ArchiveUrlData | DirectoryUrlData;

/**
 * The direct URL data (PEP 610) of the archive at `url`, with its sha256 when known:
 * `{url, archive_info: {hash: "sha256=...", hashes: {sha256}}}` (archive_info `{}` without it).
 */
export function directUrlData(url: string, sha256: string | undefined): ArchiveUrlData {
  const archiveInfo = sha256 === undefined ? {} : { hash: `sha256=${sha256}`, hashes: { sha256 } };
  return { url, archive_info: archiveInfo };
}

/**
 * The direct URL data (PEP 610) of a distribution built from the source tree at `url` (a
 * `file:` URL of a directory) and installed from the wheel, not editable: `{url, dir_info: {}}`,
 * as pip writes it (`pip freeze` then says `name @ file:///...`).
 */
export function directoryUrlData(url: string): DirectoryUrlData {
  return { url, dir_info: {} };
}

/** {@link directUrlData} as the text of a direct_url.json. */
export function directUrlJson(url: string, sha256: string | undefined): string {
  return JSON.stringify(directUrlData(url, sha256));
}

/** The file of an http(s) direct reference: its URL's last segment names it. */
function remoteFile(r: Requirement): DirectFile {
  let url: URL;
  try {
    url = new URL(r.url!);
  } catch (cause) {
    throw unsupported(r, `${quote(r.url!)} is not a valid URL (${(cause as Error).message})`, "");
  }
  url.hash = "";
  const last = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
  let filename: string;
  try {
    filename = decodeURIComponent(last);
  } catch {
    filename = last;
  }
  return named(r, filename, url.href);
}

/** The file of a path or `file:` direct reference, which must exist and be a file. */
function localFile(r: Requirement): DirectFile {
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
      `${quote(path)} is a directory (a source tree); sync and bundle carry built distributions (wheels and sdists)`,
      `build its wheel (python3 -m pip wheel --no-deps -w wheels ${path}) and give the wheel's path; ` +
        "`wheelhouse install DIR` builds and installs a source tree itself, on the machine it installs on",
    );
  }
  const file = named(r, basename(path), pathToFileURL(path).href);
  file.path = path;
  return file;
}

/** The digests a URL's fragment states (`#sha256=...`), on `file`; a bare path has none. */
function addFragmentHashes(file: DirectFile, url: string): void {
  const hash = url.indexOf("#");
  if (hash < 0 || !/^(https?|file):/i.test(url)) return;
  const { sha256, ...others } = hashesFromFragment(url.slice(hash));
  if (sha256 !== undefined) file.sha256 = sha256;
  if (Object.keys(others).length > 0) file.hashes = others;
}

/** Check that `filename` is a distribution of the project `r` names. */
function named(r: Requirement, filename: string, url: string): DirectFile {
  let parsed: { name: string; version: string };
  try {
    parsed = parseDistributionFilename(filename);
  } catch (cause) {
    throw unsupported(
      r,
      `${quote(filename)} is not named as a wheel or an sdist (${(cause as Error).message})`,
      "a wheel is name-version(-build)?-python-abi-platform.whl, an sdist name-version.tar.gz; " +
        "a source archive of another shape is built into a wheel first (python3 -m pip wheel --no-deps -w wheels URL)",
    );
  }
  const project = canonicalizeName(parsed.name);
  if (canonicalizeName(r.name) !== project) {
    const where = url.startsWith("file:") ? url : r.url!;
    throw unsupported(
      r,
      `the requirement names ${quote(r.name)}, but ${quote(filename)} is a distribution of ${quote(parsed.name)}`,
      `write ${parsed.name} @ ${where}, or give the path or URL alone`,
    );
  }
  return { project, requirement: formatRequirement(r), filename, version: parsed.version, url };
}

function localPath(r: Requirement): string {
  const url = r.url!;
  if (/^file:/i.test(url)) {
    try {
      return fileURLToPath(url.replace(/#.*$/, ""));
    } catch (cause) {
      throw unsupported(
        r,
        `${quote(url)} is not a local file URL (${(cause as Error).message})`,
        "write file:///absolute/path",
      );
    }
  }
  if (/^(git|hg|svn|bzr)\+/i.test(url)) {
    throw unsupported(
      r,
      "a version-control reference names a source tree, not a built distribution",
      `build a wheel from it where the repository is reachable (python3 -m pip wheel --no-deps -w wheels '${url}') and give the wheel's path, or put it in a --find-links location`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url)) {
    throw unsupported(
      r,
      "only http(s) and file: URLs are read",
      "download the file and give its path, or put it in a --find-links location",
    );
  }
  if (url === "~" || url.startsWith("~/")) return resolve(homedir(), url.slice(2));
  return resolve(url);
}

function shown(r: Requirement): string {
  return quote(formatRequirement(r));
}

function unsupported(r: Requirement, why: string, hint: string): WheelhouseError {
  return new WheelhouseError(
    "DIRECT_REFERENCE_UNSUPPORTED",
    `requirement ${shown(r)}: ${why}`,
    hint === "" ? {} : { hint },
  );
}
