// pip's requirements file format: requirements, constraints, hashes and index options.
// Spec: https://pip.pypa.io/en/stable/reference/requirements-file-format/ (pip's behaviour is the spec)
// Traps, all as pip does them, in pip's order:
// - Lines ending in "\" are joined first (both ends' backslashes dropped), then comments go
//   ("#" at the start or after whitespace, so "url#egg=x" keeps its fragment), then ${VAR}
//   expands (upper-case POSIX names only; unset variables stay as written).
// - A line is split on single spaces: words up to the first one starting with "-" form the
//   requirement, the rest are options (shell-quoted, "--opt=value" or "--opt value").
// - `-r` inside a constraints file adds requirements, `-c` adds constraints (pip does this).
// - Paths of -r/-c are relative to the including file's directory, as in pip. Paths of local
//   wheels, sdists and source directories are too, which is NOT pip's rule: pip takes them relative to the current
//   directory (kept: src/pep knows no current directory, and a requirements file that names
//   ./wheels/x.whl then works from any directory). Paths given as arguments
//   (parseRequirementArgument) are relative to the directory the caller passes.
// - An -i/--index-url line drops the --extra-index-url values of earlier lines; after --no-index,
//   -i and --extra-index-url are ignored (pip's handle_option_line).
// - A path or file: URL that names no project (a source directory: no wheel or sdist filename,
//   no #egg=) is refused, as a mirror cannot carry it; with `unnamedPaths: "collect"` it is handed
//   back in `unnamed` (location joined as a wheel path is, extras, marker, hashes, whether a
//   constraint, file and line) for an installer to build, since whether it is a directory, and
//   which project it holds, only the file system can tell. A remote URL is always refused.
// - Path and URL lines (and arguments) are read in requirements-txt-direct.ts.
// No I/O: nested files are read through the caller's `readFile`.

import { posix } from "node:path";
import { quote, WheelhouseError } from "./errors.js";
import { canonicalizeName } from "./names.js";
import { parseRequirement, type Requirement } from "./requirement.js";
import { decodeRequirementsTxt } from "./requirements-txt-decode.js";
import {
  type DirectLocation,
  directLocation,
  directMarker,
  directRequirement,
  innerReason,
  NAMED_REFERENCE,
  readDirect,
  unknownName,
} from "./requirements-txt-direct.js";
import {
  type Fail,
  logicalLines,
  parseOptions,
  splitArgsOptions,
} from "./requirements-txt-lines.js";

export { parseRequirementArgument } from "./requirements-txt-direct.js";

/** One requirement (or constraint) line; `hashes` are "algorithm:hex" (sha256/sha384/sha512). */
export interface RequirementLine {
  requirement: Requirement;
  hashes: string[];
  /** The file as given or joined from -r/-c paths, and the 1-based first physical line. */
  source: { file: string; line: number };
  editable?: false;
}

/**
 * A line that is a path or `file:` URL naming no project (no wheel or sdist filename, no
 * `#egg=`): a source directory, as pip reads one; collected with `unnamedPaths: "collect"`.
 * Shape: `../src/app[cli] ; python_version >= "3" --hash=sha256:...` in `reqs/requirements.txt`
 * -> {location: "src/app", extras: ["cli"], marker: 'python_version >= "3"', hashes:
 * ["sha256:..."], constraint: false, source: {file: "reqs/requirements.txt", line: 1}, ...}.
 */
export interface UnnamedPathLine {
  /**
   * A relative path joined to the file's directory (`posix.normalize(posix.join(dir, path))`, as
   * wheel paths are), an absolute or `~` path as written, or the `file:` URL as written; without
   * `[extras]` and marker. Nothing checks that it exists.
   */
  location: string;
  /** Extras as written, unique, sorted. */
  extras: string[];
  /** The canonical marker text, when there is a marker. */
  marker?: string;
  /** "algorithm:hex", as in {@link RequirementLine}. */
  hashes: string[];
  /** Whether it came from a constraints file (-c, or a file a constraints file includes with -c). */
  constraint: boolean;
  /** The file as given or joined from -r/-c paths, and the 1-based first physical line. */
  source: { file: string; line: number };
  /**
   * What the file says, for messages: the requirement part of the line
   * (`../src/app[cli] ; python_version >= "3"`) and the whole logical line, options included.
   */
  written: { requirement: string; line: string };
  /**
   * How many lines of `requirements` (of `constraints`, for a constraint) were read before it:
   * where it stands among them, for a caller that puts the lists back in file order.
   */
  position: number;
}

/** Everything a requirements file (and the files it includes) says. */
export interface RequirementsFile {
  requirements: RequirementLine[];
  constraints: RequirementLine[];
  /** The last -i/--index-url seen before any --no-index. */
  indexUrl?: string;
  /** --extra-index-url values since the last line with -i (pip drops earlier ones), before any --no-index. */
  extraIndexUrls: string[];
  findLinks: string[];
  noIndex: boolean;
  /** Canonical project names, or ":all:"; --no-binary and --only-binary exclude each other as in pip. */
  noBinary: string[];
  onlyBinary: string[];
  preferBinary: boolean;
  pre: boolean;
  requireHashes: boolean;
  trustedHosts: string[];
  /** `-e VALUE` lines, when the options collect them (else they are refused). */
  editables: { value: string; source: { file: string; line: number } }[];
  /** Path and `file:` URL lines that name no project, when the options collect them (else refused). */
  unnamed: UnnamedPathLine[];
}

/** Options of {@link parseRequirementsTxt}. */
export interface ParseRequirementsTxtOptions {
  /** Path of the file, for messages and to resolve relative -r/-c and wheel paths. */
  file: string;
  /**
   * Reads an included file (path already joined with the including file's directory). Bytes are
   * decoded as pip decodes them ({@link decodeRequirementsTxt}); a string is taken as decoded.
   */
  readFile?: (path: string) => string | Uint8Array;
  /** Variables for ${VAR} expansion. Without it nothing expands. */
  env?: Record<string, string>;
  /**
   * `-e` lines: "refuse" (default: EDITABLE_NOT_SUPPORTED) or "collect" them in `editables` for
   * the caller (a mirror leaves the source tree out with a warning).
   */
  editables?: "refuse" | "collect";
  /**
   * Path and `file:` URL lines whose project name is unknown (a source directory): "refuse"
   * (default: INVALID_REQUIREMENTS_FILE, "the project name of ... is unknown") or "collect" them
   * in `unnamed` for the caller (an installer builds a directory; see {@link unnamedPathError}
   * for anything else). Remote URLs without a name are refused either way.
   */
  unnamedPaths?: "refuse" | "collect";
}

/**
 * Parse a requirements file and, through `readFile`, the files it includes with -r/-c.
 * `text` is the file's text, or its bytes to be decoded as pip does (BOM, coding comment, UTF-8).
 * Spec: pip's requirements file format (see the file comment for the exact rules), and pip's
 * argument handling for path and URL lines (https://pip.pypa.io/en/stable/cli/pip_install/#argument-handling).
 * @throws WheelhouseError code "EDITABLE_NOT_SUPPORTED" for `-e` (unless collected);
 *   "INVALID_REQUIREMENTS_FILE"
 *   for anything else, the message starting `<file>:<line>:` and quoting the line, with a hint
 *   (unknown option, bad hash, include cycle, unreadable include, invalid requirement, a path or
 *   URL whose project name is unknown unless collected, a bad extra or marker after a path...).
 */
export function parseRequirementsTxt(
  text: string | Uint8Array,
  options: ParseRequirementsTxtOptions,
): RequirementsFile {
  const result: RequirementsFile = {
    requirements: [],
    constraints: [],
    editables: [],
    unnamed: [],
    extraIndexUrls: [],
    findLinks: [],
    noIndex: false,
    noBinary: [],
    onlyBinary: [],
    preferBinary: false,
    pre: false,
    requireHashes: false,
    trustedHosts: [],
  };
  parseFile(asText(text, options.file), options.file, false, [options.file], options, result);
  return result;
}

function parseFile(
  text: string,
  file: string,
  constraint: boolean,
  stack: string[],
  options: ParseRequirementsTxtOptions,
  result: RequirementsFile,
): void {
  for (const { line, text: content } of logicalLines(text, options.env)) {
    const fail = lineFail(file, line, content);
    const { args, rest } = splitArgsOptions(content);
    const opts = parseOptions(rest, fail);
    if (args !== "") {
      const hashes: string[] = [];
      for (const [name, value] of opts) {
        if (name !== "hash") {
          throw fail(
            `option --${name} cannot follow a requirement`,
            "put global options such as --index-url on a line of their own",
          );
        }
        hashes.push(checkHash(value, fail));
      }
      const lines = constraint ? result.constraints : result.requirements;
      const read = lineRequirement(args, file, fail, options.unnamedPaths === "collect");
      if ("location" in read) {
        const unnamed: UnnamedPathLine = {
          location: read.location,
          extras: read.extras,
          hashes,
          constraint,
          source: { file, line },
          written: { requirement: args, line: content },
          position: lines.length,
        };
        if (read.markerText) unnamed.marker = directMarker(read.markerText, fail);
        result.unnamed.push(unnamed);
      } else lines.push({ requirement: read, hashes, source: { file, line } });
      continue;
    }
    // pip applies the index options of a line together, after reading all of them: an
    // --index-url replaces every index named on earlier lines (their --extra-index-url too), and
    // after --no-index neither option adds anything.
    let lineIndexUrl: string | undefined;
    const lineExtraIndexUrls: string[] = [];
    for (const [name, value] of opts) {
      switch (name) {
        case "requirement":
        case "constraint": {
          const nested = includePath(file, value, fail);
          if (stack.includes(nested)) {
            throw fail(
              `including ${quote(nested)} again makes a cycle (${[...stack, nested].join(" -> ")})`,
              "remove one of the -r/-c lines that form the cycle",
            );
          }
          if (options.readFile === undefined) {
            throw fail(`cannot read ${quote(nested)}`, "pass readFile to follow -r/-c includes");
          }
          let nestedText: string;
          try {
            nestedText = asText(options.readFile(nested), nested);
          } catch (cause) {
            throw fail(
              `cannot read ${quote(nested)}: ${(cause as Error)?.message ?? cause}`,
              "paths in -r/-c are relative to the file that includes them",
              "INVALID_REQUIREMENTS_FILE",
              cause,
            );
          }
          const nestedConstraint = name === "constraint";
          parseFile(nestedText, nested, nestedConstraint, [...stack, nested], options, result);
          break;
        }
        case "editable":
          if (options.editables === "collect") {
            result.editables.push({ value, source: { file, line } });
            break;
          }
          throw fail(
            "editable installs (-e) are not supported",
            "build a wheel of the project and list the wheel file instead",
            "EDITABLE_NOT_SUPPORTED",
          );
        case "index-url":
          lineIndexUrl = value;
          break;
        case "extra-index-url":
          lineExtraIndexUrls.push(value);
          break;
        case "find-links":
          result.findLinks.push(value);
          break;
        case "trusted-host":
          result.trustedHosts.push(value);
          break;
        case "no-index":
          result.noIndex = true;
          break;
        case "prefer-binary":
          result.preferBinary = true;
          break;
        case "pre":
          result.pre = true;
          break;
        case "require-hashes":
          result.requireHashes = true;
          break;
        case "no-binary":
          excludeBinary(value, result.noBinary, result.onlyBinary, fail);
          break;
        case "only-binary":
          excludeBinary(value, result.onlyBinary, result.noBinary, fail);
          break;
        case "hash":
          throw fail(
            "--hash must follow a requirement on the same line",
            "write `name==1.0 --hash=sha256:...`",
          );
      }
    }
    if (!result.noIndex) {
      if (lineIndexUrl) {
        result.indexUrl = lineIndexUrl;
        result.extraIndexUrls = [];
      }
      result.extraIndexUrls.push(...lineExtraIndexUrls);
    }
  }
}

/**
 * The error `unnamedPaths: "refuse"` would have thrown for `unnamed`: for a caller that collected
 * the line and finds it cannot take it (an installer, for a path that is a file, not a directory).
 * Shape: `<file>:<line>: line "<line>" is invalid: the project name of "<path>" is unknown`.
 */
export function unnamedPathError(unnamed: UnnamedPathLine): WheelhouseError {
  const { why, hint } = unknownName(unnamed.written.requirement);
  return lineFail(unnamed.source.file, unnamed.source.line, unnamed.written.line)(why, hint);
}

/** The errors of one logical line: `<file>:<line>: line "<content>" is invalid: <why>`. */
function lineFail(file: string, line: number, content: string): Fail {
  return (why, hint, code = "INVALID_REQUIREMENTS_FILE", cause) =>
    new WheelhouseError(code, `${file}:${line}: line ${quote(content)} is invalid: ${why}`, {
      hint,
      cause,
    });
}

function asText(content: string | Uint8Array, file: string): string {
  return typeof content === "string" ? content : decodeRequirementsTxt(content, file);
}

const HASH_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function checkHash(value: string, fail: Fail): string {
  const [algorithm, hex = ""] = value.split(":", 2);
  const length = HASH_LENGTHS[algorithm?.toLowerCase()];
  if (length === undefined || hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw fail(
      `hash ${quote(value)} is not algorithm:hex-digest`,
      "write --hash=sha256:<64 hex digits> (sha384 and sha512 are accepted too)",
    );
  }
  return `${algorithm.toLowerCase()}:${hex.toLowerCase()}`;
}

/** pip's --no-binary/--only-binary: comma-separated names, ":all:" and ":none:". */
function excludeBinary(value: string, target: string[], other: string[], fail: Fail): void {
  const add = (list: string[], name: string) => {
    if (!list.includes(name)) list.push(name);
  };
  const remove = (list: string[], name: string) => {
    const index = list.indexOf(name);
    if (index >= 0) list.splice(index, 1);
  };
  for (const item of value.split(",")) {
    if (item === ":all:") {
      other.length = 0;
      target.length = 0;
      target.push(":all:");
    } else if (item === ":none:") {
      target.length = 0;
    } else {
      let name: string;
      try {
        name = canonicalizeName(item);
      } catch (cause) {
        throw fail(
          `${quote(item)} is not a project name`,
          "give project names separated by commas, or :all: / :none:",
          "INVALID_REQUIREMENTS_FILE",
          cause,
        );
      }
      remove(other, name);
      add(target, name);
    }
  }
}

function includePath(file: string, value: string, fail: Fail): string {
  if (URL_WITH_AUTHORITY.test(value) && !value.startsWith("file:")) {
    throw fail(
      `including ${quote(value)} over the network is not supported`,
      "download the file and include its local path",
    );
  }
  const path = value.startsWith("file:")
    ? decodeURIComponent(value.replace(/^file:(\/\/)?/, ""))
    : value;
  return posix.normalize(posix.isAbsolute(path) ? path : posix.join(posix.dirname(file), path));
}

const URL_WITH_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The requirement of a requirement line: PEP 508 text, or a URL or path of a wheel or sdist (the
 * canonical name comes from its filename) or of anything with `#egg=name`; or, when `collect`
 * says so, the location of a path or `file:` URL that names no project.
 */
function lineRequirement(
  args: string,
  file: string,
  fail: Fail,
  collect: boolean,
): Requirement | DirectLocation {
  const location = directLocation(args);
  if (location) {
    const direct = readDirect(args, location.isUrl, posix.dirname(file), fail);
    // Only a path or a file: URL can be a source directory; a remote URL needs a name.
    if (direct.name === undefined && collect && (!direct.isUrl || /^file:/i.test(args))) {
      return direct;
    }
    return directRequirement(args, direct, fail);
  }
  const named = NAMED_REFERENCE.test(args);
  // pip splits a line that does not start with a URL at its first ";" (the marker), so
  // `name @ URL;marker` needs no space before ";" there, unlike in PEP 508.
  const semicolon = named ? args.indexOf(";") : -1;
  const text = semicolon < 0 ? args : `${args.slice(0, semicolon)} ; ${args.slice(semicolon + 1)}`;
  try {
    return parseRequirement(text);
  } catch (cause) {
    throw fail(
      innerReason(cause),
      "write a PEP 508 requirement such as `name[extra]>=1.0; python_version>='3.8'`",
      "INVALID_REQUIREMENTS_FILE",
      cause,
    );
  }
}
