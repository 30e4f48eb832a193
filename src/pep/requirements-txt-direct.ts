// A requirement written as the path or URL of a distribution or a source directory instead of
// PEP 508 text, as pip reads one on a requirements-file line or on the command line: where it
// is, its `[extras]` and `; marker`, and the project name its filename or `#egg=` gives. Used by
// requirements-txt.ts.
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#argument-handling and
// https://pip.pypa.io/en/stable/reference/requirements-file-format/ (pip's parse_req_from_line
// in pip/_internal/req/constructors.py is the reference)
// Traps:
// - A word is a location, not a project name, when pip says so: a scheme, a leading ".", "/" or
//   "~", a "/" before any ";", or one of pip's archive extensions (`pkg-1.0.tgz`).
// - The marker of a URL follows "; " and of a path ";" (pip's split); `[extras]` at the end are
//   the project's extras, checked as names (pip reads them through a placeholder requirement).
// - The name comes from `#egg=` (read as a requirement: "foo==1.0" names foo), else from a wheel's
//   or an sdist's filename. A directory names none: the caller refuses it ("the project name of
//   ... is unknown") or hands it back (requirements-txt.ts with `unnamedPaths: "collect"`).
// - A relative path is joined to the base directory the caller gives; absolute and "~" paths and
//   URLs are kept as written. No I/O: nothing here knows whether a path exists.

import { posix } from "node:path";
import { quote, WheelhouseError } from "./errors.js";
import { parseSdistFilename, parseWheelFilename } from "./filename.js";
import { formatMarker, parseMarker } from "./marker.js";
import { isValidName } from "./names.js";
import { parseRequirement, type Requirement } from "./requirement.js";
import type { Fail } from "./requirements-txt-lines.js";

const URL_WITH_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\//i;
/** `name @`, `name[extras] @`: PEP 508's direct reference, read as PEP 508 text. */
export const NAMED_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/;

/** What a path or URL requirement says, its marker not yet read (see {@link directMarker}). */
export interface DirectLocation {
  /** The location as written, without `[extras]` and marker (as messages quote it). */
  written: string;
  /** A relative path joined to the base directory (posix.normalize), else as written. */
  location: string;
  isUrl: boolean;
  /** The project name from `#egg=` or the filename; undefined when they give none. */
  name?: string;
  /** Extras as written, unique, sorted. */
  extras: string[];
  /** The marker's text as written, when there is one. */
  markerText?: string;
}

/**
 * Whether `args` is the URL or path of a distribution rather than PEP 508 text (`name @ url`
 * included), as pip decides: a scheme, a leading `.`, `/` or `~`, a `/` before any `;`, or one
 * of pip's archive extensions.
 */
export function directLocation(args: string): { isUrl: boolean } | undefined {
  if (NAMED_REFERENCE.test(args)) return undefined;
  const isUrl = URL_WITH_AUTHORITY.test(args) || args.startsWith("file:");
  const isPath =
    /^(\.|\/|~)/.test(args) ||
    /^[^;\s]*\//.test(args) ||
    // pip's archive extensions: a local file of any of them is a path, not a project name.
    /\.(whl|zip|tar\.gz|tgz|tar|tar\.bz2|tbz|tar\.xz|txz|tlz|tar\.lz|tar\.lzma)(\[|\s|;|$)/.test(
      args,
    );
  return isUrl || isPath ? { isUrl } : undefined;
}

/**
 * Read the path or URL requirement `args` (one {@link directLocation} accepts): location,
 * extras, name; the marker is left as text, to be read once the caller has decided what to do
 * with an unnamed location (a bad marker on a line refused anyway is not what it is told).
 * Shape: `../d/x-1.0-py3-none-any.whl[b,a] ; os_name == "nt"` with baseDir "/r" ->
 * {written: "../d/x-1.0-py3-none-any.whl", location: "/d/x-1.0-py3-none-any.whl", isUrl: false,
 * name: "x", extras: ["a", "b"], markerText: 'os_name == "nt"'}.
 * @throws what `fail` builds: an extra that is not a name, an `#egg=` that names no project, an
 *   invalid wheel filename.
 */
export function readDirect(
  args: string,
  isUrl: boolean,
  baseDir: string,
  fail: Fail,
): DirectLocation {
  const { written, extrasText, markerText } = splitDirect(args, isUrl);
  const extras = (extrasText ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  const bad = extras.find((e) => !isValidName(e));
  if (bad !== undefined) {
    throw fail(
      `extra ${quote(bad)} is not a valid name`,
      "extras are names separated by commas, as in `./dist/x-1.0-py3-none-any.whl[cli,socks]`",
    );
  }
  const direct: DirectLocation = {
    written,
    location:
      isUrl || posix.isAbsolute(written) || written.startsWith("~")
        ? written
        : posix.normalize(posix.join(baseDir, written)),
    isUrl,
    extras: [...new Set(extras)].sort(),
  };
  const name = nameOf(written, fail);
  if (name !== undefined) direct.name = name;
  if (markerText) direct.markerText = markerText;
  return direct;
}

/**
 * The canonical text of a path or URL requirement's marker.
 * @throws what `fail` builds, with the marker parser's reason.
 */
export function directMarker(text: string, fail: Fail): string {
  try {
    return formatMarker(parseMarker(text));
  } catch (cause) {
    throw fail(
      innerReason(cause),
      "a marker follows \"; \" as in `./x.whl; python_version >= '3.8'`",
      undefined,
      cause,
    );
  }
}

/**
 * Why a path or URL requirement that names no project is refused, and what to write instead.
 * `args` is the requirement as written (one {@link directLocation} accepts).
 */
export function unknownName(args: string): { why: string; hint: string } {
  const isUrl = directLocation(args)?.isUrl === true;
  const { written } = splitDirect(args, isUrl);
  return {
    why: `the project name of ${quote(written)} is unknown`,
    hint:
      isUrl || /\.[a-z0-9]+$/i.test(filenameOf(written))
        ? "write it as `name @ url`, or add #egg=name to the URL"
        : "a wheel or an sdist is named by its path; a source directory is built into a wheel first (python3 -m pip wheel --no-deps -w wheels DIR)",
  };
}

/**
 * The requirement a path or URL requirement makes, from `direct` as {@link readDirect} read
 * `args`: named by its `#egg=` or filename, with `url` the location (a relative path joined to
 * the base directory), its extras and canonical marker.
 * @throws what `fail` builds: "the project name of ... is unknown" (see {@link unknownName}) when
 *   nothing names the project, and a bad marker.
 */
export function directRequirement(args: string, direct: DirectLocation, fail: Fail): Requirement {
  if (direct.name === undefined) {
    const { why, hint } = unknownName(args);
    throw fail(why, hint);
  }
  const requirement: Requirement = {
    name: direct.name,
    extras: direct.extras,
    specifier: "",
    url: direct.location,
  };
  if (direct.markerText) requirement.marker = directMarker(direct.markerText, fail);
  return requirement;
}

/**
 * A requirement given on the command line, as pip reads one: PEP 508 text, or the path or URL
 * of a wheel or sdist (optionally `[extras]` and `; marker` after it), whose project name comes
 * from its filename (or `#egg=`). A relative path is joined to `baseDir` (the caller's current
 * directory) and kept as a path in `url`; a URL is kept as written.
 * Spec: https://pip.pypa.io/en/stable/cli/pip_install/#argument-handling
 * @throws WheelhouseError "INVALID_REQUIREMENT" quoting `text`.
 */
export function parseRequirementArgument(text: string, baseDir: string): Requirement {
  const args = text.trim();
  const location = directLocation(args);
  if (!location) return parseRequirement(text);
  const fail: Fail = (why, hint, _code, cause) =>
    new WheelhouseError("INVALID_REQUIREMENT", `requirement ${quote(text)} is invalid: ${why}`, {
      hint,
      cause,
    });
  return directRequirement(args, readDirect(args, location.isUrl, baseDir, fail), fail);
}

/** The reason of a nested parse error, without its own `<thing> "<input>" is invalid: ` prefix. */
export function innerReason(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.replace(/^[\w ]+ "(?:[^"\\]|\\.)*" is invalid: /, "");
}

/** pip's split of a location: the marker after ";" (a URL: "; "), then `[extras]` at the end. */
function splitDirect(
  args: string,
  isUrl: boolean,
): { written: string; extrasText?: string; markerText?: string } {
  const split = isUrl ? /;\s/.exec(args) : /;/.exec(args);
  let written = (split ? args.slice(0, split.index) : args).trim();
  const markerText = split ? args.slice(split.index + 1).trim() : undefined;
  const extrasMatch = /\[([^\]]*)\]$/.exec(written);
  if (extrasMatch) written = written.slice(0, extrasMatch.index);
  return { written, extrasText: extrasMatch?.[1], markerText };
}

/** The last segment of a path or URL, without query and fragment, percent-decoded. */
function filenameOf(location: string): string {
  const bare = location.replace(/[?#].*$/, "");
  return decodeURIComponent(bare.slice(bare.lastIndexOf("/") + 1));
}

/** The project name `#egg=` or a wheel's or an sdist's filename gives. */
function nameOf(location: string, fail: Fail): string | undefined {
  const eggValue = /[#&]egg=([^&]+)/.exec(location)?.[1];
  if (eggValue !== undefined) {
    // pip reads `#egg=` as a requirement and takes its name ("foo==1.0" names foo).
    try {
      return parseRequirement(decodeURIComponent(eggValue)).name;
    } catch (cause) {
      throw fail(
        `#egg=${eggValue} does not name a project: ${innerReason(cause)}`,
        "write #egg=<project name>",
        "INVALID_REQUIREMENTS_FILE",
        cause,
      );
    }
  }
  const filename = filenameOf(location);
  if (filename.endsWith(".whl")) {
    try {
      return parseWheelFilename(filename).name;
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw fail(
        why,
        "a wheel is named name-version(-build)?-python-abi-platform.whl",
        undefined,
        cause,
      );
    }
  }
  if (/\.(tar\.gz|zip|tar\.bz2)$/.test(filename)) {
    try {
      return parseSdistFilename(filename).name;
    } catch {
      // not name-version.tar.gz: no name (the caller says so)
    }
  }
  return undefined;
}
