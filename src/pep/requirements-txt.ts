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
//   wheels and sdists are too, which is NOT pip's rule: pip takes them relative to the current
//   directory (kept: src/pep knows no current directory, and a requirements file that names
//   ./wheels/x.whl then works from any directory). Paths given as arguments
//   (parseRequirementArgument) are relative to the directory the caller passes.
// - An -i/--index-url line drops the --extra-index-url values of earlier lines; after --no-index,
//   -i and --extra-index-url are ignored (pip's handle_option_line).
// No I/O: nested files are read through the caller's `readFile`.

import { posix } from "node:path";
import { quote, WheelhouseError } from "./errors.js";
import { parseSdistFilename, parseWheelFilename } from "./filename.js";
import { formatMarker, parseMarker } from "./marker.js";
import { canonicalizeName } from "./names.js";
import { parseRequirement, type Requirement } from "./requirement.js";
import { decodeRequirementsTxt } from "./requirements-txt-decode.js";
import {
  type Fail,
  logicalLines,
  parseOptions,
  splitArgsOptions,
} from "./requirements-txt-lines.js";

/** One requirement (or constraint) line; `hashes` are "algorithm:hex" (sha256/sha384/sha512). */
export interface RequirementLine {
  requirement: Requirement;
  hashes: string[];
  /** The file as given or joined from -r/-c paths, and the 1-based first physical line. */
  source: { file: string; line: number };
  editable?: false;
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
}

/**
 * Parse a requirements file and, through `readFile`, the files it includes with -r/-c.
 * `text` is the file's text, or its bytes to be decoded as pip does (BOM, coding comment, UTF-8).
 * Spec: pip's requirements file format (see the file comment for the exact rules).
 * @throws WheelhouseError code "EDITABLE_NOT_SUPPORTED" for `-e` (unless collected);
 *   "INVALID_REQUIREMENTS_FILE"
 *   for anything else, the message starting `<file>:<line>:` and quoting the line, with a hint
 *   (unknown option, bad hash, include cycle, unreadable include, invalid requirement...).
 */
export function parseRequirementsTxt(
  text: string | Uint8Array,
  options: ParseRequirementsTxtOptions,
): RequirementsFile {
  const result: RequirementsFile = {
    requirements: [],
    constraints: [],
    editables: [],
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
    const fail = (why: string, hint: string, code = "INVALID_REQUIREMENTS_FILE", cause?: unknown) =>
      new WheelhouseError(code, `${file}:${line}: line ${quote(content)} is invalid: ${why}`, {
        hint,
        cause,
      });
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
      const requirement = lineRequirement(args, file, fail);
      const entry: RequirementLine = { requirement, hashes, source: { file, line } };
      (constraint ? result.constraints : result.requirements).push(entry);
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
/** `name @`, `name[extras] @`: PEP 508's direct reference, read as PEP 508 text. */
const NAMED_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/;

/**
 * The requirement of a requirement line: PEP 508 text, or a URL or path of a wheel or sdist (the
 * canonical name comes from its filename) or of anything with `#egg=name`.
 */
function lineRequirement(args: string, file: string, fail: Fail): Requirement {
  const location = directLocation(args);
  if (location) return directRequirement(args, location.isUrl, posix.dirname(file), fail);
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

/**
 * Whether `args` is the URL or path of a distribution rather than PEP 508 text (`name @ url`
 * included), as pip decides: a scheme, a leading `.`, `/` or `~`, a `/` before any `;`, or one
 * of pip's archive extensions.
 */
function directLocation(args: string): { isUrl: boolean } | undefined {
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
  return directRequirement(args, location.isUrl, baseDir, fail);
}

function directRequirement(args: string, isUrl: boolean, baseDir: string, fail: Fail): Requirement {
  const split = isUrl ? /;\s/.exec(args) : /;/.exec(args);
  let location = (split ? args.slice(0, split.index) : args).trim();
  const marker = split ? args.slice(split.index + 1).trim() : undefined;
  let extras: string[] = [];
  const extrasMatch = /\[([^\]]*)\]$/.exec(location);
  if (extrasMatch) {
    extras = extrasMatch[1]
      .split(",")
      .map((e) => e.trim())
      .filter((e) => e !== "");
    location = location.slice(0, extrasMatch.index);
  }
  const eggValue = /[#&]egg=([^&]+)/.exec(location)?.[1];
  let egg: string | undefined;
  if (eggValue !== undefined) {
    // pip reads `#egg=` as a requirement and takes its name ("foo==1.0" names foo).
    try {
      egg = parseRequirement(decodeURIComponent(eggValue)).name;
    } catch (cause) {
      throw fail(
        `#egg=${eggValue} does not name a project: ${innerReason(cause)}`,
        "write #egg=<project name>",
        "INVALID_REQUIREMENTS_FILE",
        cause,
      );
    }
  }
  const bare = location.replace(/[?#].*$/, "");
  const filename = decodeURIComponent(bare.slice(bare.lastIndexOf("/") + 1));
  let name = egg;
  if (name === undefined && filename.endsWith(".whl")) {
    try {
      name = parseWheelFilename(filename).name;
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw fail(
        why,
        "a wheel is named name-version(-build)?-python-abi-platform.whl",
        undefined,
        cause,
      );
    }
  } else if (name === undefined && /\.(tar\.gz|zip|tar\.bz2)$/.test(filename)) {
    try {
      name = parseSdistFilename(filename).name;
    } catch {
      // not name-version.tar.gz: reported below as an unknown project name
    }
  }
  if (name === undefined) {
    throw fail(
      `the project name of ${quote(location)} is unknown`,
      isUrl || /\.[a-z0-9]+$/i.test(filename)
        ? "write it as `name @ url`, or add #egg=name to the URL"
        : "a wheel or an sdist is named by its path; a source directory is built into a wheel first (python3 -m pip wheel --no-deps -w wheels DIR)",
    );
  }
  const url =
    isUrl || posix.isAbsolute(location) || location.startsWith("~")
      ? location
      : posix.normalize(posix.join(baseDir, location));
  const requirement: Requirement = {
    name,
    extras: [...new Set(extras)].sort(),
    specifier: "",
    url,
  };
  if (marker) {
    try {
      requirement.marker = formatMarker(parseMarker(marker));
    } catch (cause) {
      throw fail(
        innerReason(cause),
        "a marker follows \"; \" as in `./x.whl; python_version >= '3.8'`",
        undefined,
        cause,
      );
    }
  }
  return requirement;
}

/** The reason of a nested parse error, without its own `<thing> "<input>" is invalid: ` prefix. */
function innerReason(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.replace(/^[\w ]+ "(?:[^"\\]|\\.)*" is invalid: /, "");
}
