// Requirements that name a source tree (a local directory holding pyproject.toml or setup.py),
// as `pip install ./proj` takes them: a path argument or requirements-file line (`./proj`,
// `../proj[extra]`, `/src/proj ; python_version >= "3.9"`, `.`), a `file:` URL of a directory,
// or `name @ file:///src/proj`. A requirements-file line comes from the parser as it reads it
// (pep/requirements-txt.ts, `unnamedPaths: "collect"`). install builds each into a wheel offline
// (./build-source-trees.ts); sync and bundle refuse them (../direct-references.ts).
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#argument-handling (pip's
// `_looks_like_path` and `_get_url_from_path` in pip/_internal/req/constructors.py),
// https://packaging.python.org/en/latest/specifications/dependency-specifiers/ (direct references)
// Traps:
// - A word is a path only when it looks like one, as in pip: it holds a "/" (or "\" on
//   Windows) or starts with "." (wheelhouse also takes "~/"). `proj` alone is a project name,
//   even when a directory of that name exists.
// - The marker of a path follows ";", of a URL "; " (pip's split); `[extras]` at the end of a
//   path are the project's extras, not part of the path.
// - A directory without pyproject.toml or setup.py is not a project: refused as pip refuses it
//   ("does not appear to be a Python project: neither 'setup.py' nor 'pyproject.toml' found").
// - A file is not a source tree, nor a missing path named like a distribution (`./x.whl`): the
//   requirement parsers and ../direct-references.ts say what is wrong with them. A missing path
//   named otherwise (`./proj`) is refused here: the parser would only say it knows no name for it.

import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { formatMarker, parseMarker } from "../../pep/marker.js";
import type { Requirement } from "../../pep/requirement.js";
import type { UnnamedPathLine } from "../../pep/requirements-txt.js";

/** A requirement that names a source tree. */
export interface SourceTree {
  /** Absolute path of the directory. */
  dir: string;
  /** The project name given before `@` (as written), which the built wheel must have. */
  name?: string;
  /** Extras as written, unique, sorted. */
  extras: string[];
  /** The canonical marker text, when there is a marker. */
  marker?: string;
  /** The requirement as written, for messages. */
  requirement: string;
  /** The requirements file and 1-based line it came from, for messages. */
  origin?: { file: string; line: number };
}

/** pip's archive extensions: a path ending in one names a distribution file, not a tree. */
const DISTRIBUTION_NAME =
  /\.(whl|zip|tar\.gz|tgz|tar|tar\.bz2|tbz|tar\.xz|txz|tlz|tar\.lz|tar\.lzma)$/i;

/** `name @`, `name[extras] @`: PEP 508's direct reference, which the requirement parser reads. */
const NAMED_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/;

/**
 * The source tree `text` names, when it is an unnamed path or `file:` URL of a directory (a
 * command-line argument; a requirements-file line goes through {@link sourceTreeOfLine}), or
 * undefined for anything else (PEP 508 text, `name @ url`, a file, a missing path named like a wheel or an
 * sdist). A relative path is taken from `baseDir`; `~/` is the home directory.
 * Shape: `./proj[a,b] ; python_version >= "3.9"` -> {dir: "<baseDir>/proj", extras: ["a", "b"],
 * marker: 'python_version >= "3.9"', requirement: the text}.
 * @throws WheelhouseError "INVALID_REQUIREMENT" (a bad marker or extra), "NOT_A_PYTHON_PROJECT"
 *   (a directory with neither pyproject.toml nor setup.py), "DIRECT_REFERENCE_NOT_FOUND" (a
 *   path, not named like a distribution, that does not exist); each quotes `text`.
 */
export function sourceTreeOf(text: string, baseDir: string): SourceTree | undefined {
  const args = text.trim();
  if (NAMED_REFERENCE.test(args)) return undefined;
  const isUrl = /^file:/i.test(args);
  if (!isUrl && /^[a-z][a-z0-9+.-]*:\/\//i.test(args)) return undefined;
  const split = isUrl ? /;\s/.exec(args) : /;/.exec(args);
  let location = (split ? args.slice(0, split.index) : args).trim();
  const markerText = split ? args.slice(split.index + 1).trim() : undefined;
  let extrasText: string | undefined;
  const extrasMatch = isUrl ? null : /\[([^\]]*)\]$/.exec(location);
  if (extrasMatch) {
    extrasText = extrasMatch[1];
    location = location.slice(0, extrasMatch.index);
  }
  if (!isUrl && !looksLikePath(location)) return undefined;
  const dir = directoryOf(location, isUrl, baseDir, args, undefined);
  if (dir === undefined) return undefined;
  const tree: SourceTree = { dir, extras: extrasOf(extrasText, args), requirement: args };
  if (markerText) tree.marker = markerOf(markerText, args);
  checkProject(tree);
  return tree;
}

/**
 * The source tree a path or `file:` URL line of a requirements file names (as the parser hands
 * it back: its location already joined to the file's folder, extras and marker read), or
 * undefined when it names none (a file, a missing path named like a wheel or an sdist, a word
 * that does not look like a path): the parser's own refusal (unnamedPathError) then says why.
 * @throws WheelhouseError "NOT_A_PYTHON_PROJECT", "DIRECT_REFERENCE_NOT_FOUND", each quoting the
 *   requirement as written and its file and line.
 */
export function sourceTreeOfLine(line: UnnamedPathLine): SourceTree | undefined {
  const origin = { file: line.source.file, line: line.source.line };
  const requirement = line.written.requirement;
  const isUrl = /^file:/i.test(line.location);
  // The parser decided it is a path, as pip does; joined to a file's folder, `./proj` of a
  // requirements.txt in the current directory is "proj", which no longer looks like one.
  const dir = directoryOf(line.location, isUrl, process.cwd(), requirement, origin);
  if (dir === undefined) return undefined;
  const tree: SourceTree = { dir, extras: line.extras, requirement, origin };
  if (line.marker !== undefined) tree.marker = line.marker;
  checkProject(tree);
  return tree;
}

/**
 * The source tree a parsed requirement names by its `url` (`name @ file:///src/proj`, or a
 * path), or undefined when it names none (no URL, another scheme, not a directory).
 * @throws WheelhouseError "NOT_A_PYTHON_PROJECT" quoting the requirement and `origin`.
 */
export function sourceTreeOfRequirement(
  r: Requirement,
  requirement: string,
  origin?: { file: string; line: number },
): SourceTree | undefined {
  const url = r.url;
  if (url === undefined) return undefined;
  let dir: string;
  if (/^file:/i.test(url)) {
    try {
      dir = fileURLToPath(url.replace(/[?#].*$/, ""));
    } catch {
      return undefined;
    }
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url)) return undefined;
  else dir = url === "~" || url.startsWith("~/") ? resolve(homedir(), url.slice(2)) : resolve(url);
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) return undefined;
  const tree: SourceTree = {
    dir,
    name: r.name,
    extras: r.extras,
    requirement,
    ...(r.marker !== undefined ? { marker: r.marker } : {}),
    ...(origin ? { origin } : {}),
  };
  checkProject(tree);
  return tree;
}

/** Where a requirement came from, as messages start: `requirements.txt:3: ` or "". */
export function originPrefix(origin: { file: string; line: number } | undefined): string {
  return origin ? `${origin.file}:${origin.line}: ` : "";
}

/**
 * The directory a path or `file:` URL (without extras and marker) names, or undefined when it
 * names none: a file, a URL that is not a local path, a path holding "#" (`./proj#egg=x`: the
 * requirement parsers read it).
 * A relative path is taken from `baseDir`; `~/` is the home directory.
 * @throws WheelhouseError "DIRECT_REFERENCE_NOT_FOUND" for a path, not named like a
 *   distribution, that does not exist (quoting `args`, the requirement as written, and `origin`).
 */
function directoryOf(
  location: string,
  isUrl: boolean,
  baseDir: string,
  args: string,
  origin: { file: string; line: number } | undefined,
): string | undefined {
  let dir: string;
  if (isUrl) {
    try {
      dir = fileURLToPath(location.replace(/[?#].*$/, ""));
    } catch {
      return undefined; // not a local file URL: the requirement parser says why
    }
  } else if (!location.includes("#")) {
    dir =
      location === "~" || location.startsWith("~/")
        ? resolve(homedir(), location.slice(2))
        : resolve(baseDir, location);
  } else return undefined;
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat === undefined && !DISTRIBUTION_NAME.test(dir)) {
    throw new WheelhouseError(
      "DIRECT_REFERENCE_NOT_FOUND",
      `${originPrefix(origin)}requirement ${quote(args)} names ${quote(dir)}, which does not exist`,
      {
        hint:
          "a source tree is given by its directory (holding pyproject.toml or setup.py), a wheel or an sdist by its file's path" +
          (origin
            ? "; in a requirements file, a relative path is taken from that file's folder"
            : ""),
      },
    );
  }
  return stat?.isDirectory() === true ? dir : undefined;
}

/** pip's `_looks_like_path`: a path separator in it, or a leading "."; also "~/" here. */
function looksLikePath(location: string): boolean {
  return (
    location.includes("/") ||
    (process.platform === "win32" && location.includes("\\")) ||
    location.startsWith(".") ||
    location === "~"
  );
}

/**
 * A source tree must hold pyproject.toml or setup.py (pip's `is_installable_dir`).
 * @throws WheelhouseError "NOT_A_PYTHON_PROJECT".
 */
function checkProject(tree: SourceTree): void {
  if (existsSync(join(tree.dir, "pyproject.toml")) || existsSync(join(tree.dir, "setup.py"))) {
    return;
  }
  throw new WheelhouseError(
    "NOT_A_PYTHON_PROJECT",
    `${originPrefix(tree.origin)}requirement ${quote(tree.requirement)}: directory ${quote(tree.dir)} ` +
      "does not appear to be a Python project: neither 'setup.py' nor 'pyproject.toml' found",
    {
      hint: "give the directory that holds the project's pyproject.toml or setup.py; a wheel or an sdist is given by its file's path",
    },
  );
}

/** The extras of a command-line argument, checked as names. */
function extrasOf(text: string | undefined, args: string): string[] {
  if (text === undefined) return [];
  const extras = text
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  const bad = extras.find((e) => !/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(e));
  if (bad !== undefined) {
    throw invalid(args, `extra ${quote(bad)} is not a valid name`, undefined);
  }
  return [...new Set(extras)].sort();
}

/** The canonical marker of a command-line argument. */
function markerOf(text: string, args: string): string {
  try {
    return formatMarker(parseMarker(text));
  } catch (cause) {
    throw invalid(args, (cause as Error).message, cause);
  }
}

function invalid(args: string, why: string, cause: unknown): WheelhouseError {
  return new WheelhouseError(
    "INVALID_REQUIREMENT",
    `requirement ${quote(args)} is invalid: ${why}`,
    {
      hint: "a source tree is given as DIR, DIR[extra,...] or DIR ; marker (as `./proj[cli] ; python_version >= '3.9'`)",
      cause,
    },
  );
}
