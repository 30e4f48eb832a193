// The inputs of a sync read from the command line and from files: requirements given as
// arguments, `-r` requirements files or pylock.toml files, `-c` constraints files, with the
// hashes, index and binary options those files carry.
// Specs: https://pip.pypa.io/en/stable/reference/requirements-file-format/
// https://packaging.python.org/en/latest/specifications/pylock-toml/
// Traps:
// - pip turns hash-checking on as soon as one requirement carries a --hash; we do the same.
// - A pylock.toml is recognised by its file name (pylock.toml, pylock.NAME.toml), as the spec
//   names it; anything else is a pip requirements file.
// - --only-binary/--no-binary values are comma lists; ":none:" clears what came before, as in pip.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { canonicalizeName } from "../../pep/names.js";
import { isPylockFilename, parsePylock } from "../../pep/pylock.js";
import type { Requirement } from "../../pep/requirement.js";
import {
  parseRequirementArgument,
  parseRequirementsTxt,
  type RequirementsFile,
} from "../../pep/requirements-txt.js";
import {
  isPyprojectFilename,
  type PyprojectOptions,
  readGroups,
  readPyproject,
} from "../pyproject-inputs.js";
import { collectHashes } from "../requirement-hashes.js";
import { lockedPackagesOf } from "./lockfile.js";
import type { LockedPackage } from "./types.js";

/** Everything the requirement sources say. */
export interface SyncInputs {
  requirements: Requirement[];
  constraints: Requirement[];
  /** Canonical name -> allowed sha256 digests. */
  hashes: Map<string, Set<string>>;
  requireHashes: boolean;
  /** Set when a pylock.toml was given. */
  locked?: LockedPackage[];
  /** What the caller should print as warnings (a pylock.toml's newer minor lock-version, ...). */
  warnings: string[];
  /** From the files: the last --index-url, and every --extra-index-url / --find-links. */
  indexUrl?: string;
  extraIndexUrls: string[];
  findLinks: string[];
  noIndex: boolean;
  onlyBinary: string[];
  noBinary: string[];
  pre: boolean;
  preferBinary: boolean;
}

/** The file's bytes: the requirements parser decodes them as pip does (BOM, coding comment). */
function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new WheelhouseError("USAGE_FILE_NOT_FOUND", `file ${quote(path)} cannot be read`, {
      hint: "check the path given to -r/-c",
      cause,
    });
  }
}

/**
 * Read requirement arguments, `-r` files (requirements, pylock.toml or pyproject.toml), `--group`
 * values (`pyproject`) and `-c` files.
 * @throws WheelhouseError "USAGE_FILE_NOT_FOUND" for unreadable files, the parsers' errors
 *   (INVALID_REQUIREMENT, INVALID_REQUIREMENTS_FILE, INVALID_PYLOCK, LOCK_FILE_UNSUPPORTED).
 */
export function readSyncInputs(
  args: string[],
  requirementFiles: string[],
  constraintFiles: string[],
  env: Record<string, string> = {},
  pyproject: PyprojectOptions = {},
): SyncInputs {
  const inputs: SyncInputs = {
    // A path or URL of a file is a requirement too, as in pip (see ../direct-references.ts).
    requirements: args.map((a) => parseRequirementArgument(a, process.cwd())),
    warnings: [],
    constraints: [],
    hashes: new Map(),
    requireHashes: false,
    extraIndexUrls: [],
    findLinks: [],
    noIndex: false,
    onlyBinary: [],
    noBinary: [],
    pre: false,
    preferBinary: false,
  };
  const merge = (parsed: RequirementsFile, asConstraints: boolean) => {
    if (asConstraints) inputs.constraints.push(...parsed.requirements.map((l) => l.requirement));
    else inputs.requirements.push(...parsed.requirements.map((l) => l.requirement));
    inputs.constraints.push(...parsed.constraints.map((l) => l.requirement));
    collectHashes(parsed.requirements, inputs.hashes);
    if (parsed.indexUrl !== undefined) inputs.indexUrl = parsed.indexUrl;
    inputs.extraIndexUrls.push(...parsed.extraIndexUrls);
    inputs.findLinks.push(...parsed.findLinks);
    inputs.noIndex ||= parsed.noIndex;
    inputs.onlyBinary.push(...parsed.onlyBinary);
    inputs.noBinary.push(...parsed.noBinary);
    inputs.pre ||= parsed.pre;
    inputs.preferBinary ||= parsed.preferBinary;
    inputs.requireHashes ||= parsed.requireHashes;
  };
  // An editable line names a source tree: a mirror leaves it out, saying so (install refuses it).
  const parse = (path: string) => {
    const parsed = parseRequirementsTxt(readBytes(path), {
      file: path,
      readFile: readBytes,
      env,
      editables: "collect",
    });
    for (const e of parsed.editables) {
      inputs.warnings.push(
        `${e.source.file}:${e.source.line}: ${quote(`-e ${e.value}`)} names a source tree, which is not mirrored; build it into a wheel to carry it`,
      );
    }
    return parsed;
  };
  for (const path of requirementFiles) {
    if (isPyprojectFilename(path)) {
      inputs.requirements.push(...readPyproject(path, pyproject));
    } else if (isPylockFilename(basename(path))) {
      const lock = parsePylock(readBytes(path).toString("utf8"), path);
      inputs.warnings.push(...(lock.warnings ?? []));
      const warn = (message: string) => inputs.warnings.push(message);
      inputs.locked = [...(inputs.locked ?? []), ...lockedPackagesOf(lock, path, warn)];
    } else {
      merge(parse(path), false);
    }
  }
  inputs.requirements.push(...readGroups(pyproject.groups ?? []));
  for (const path of constraintFiles) merge(parse(path), true);
  if (inputs.hashes.size > 0) inputs.requireHashes = true;
  return inputs;
}

/**
 * The resolver's form of --only-binary/--no-binary values: ":all:", or a set of canonical names;
 * undefined when nothing applies. ":none:" clears the values before it.
 */
export function binarySet(values: string[]): ":all:" | Set<string> | undefined {
  let all = false;
  let names = new Set<string>();
  for (const value of values) {
    for (const item of value.split(",").map((s) => s.trim())) {
      if (item === "") continue;
      if (item === ":all:") {
        all = true;
        names = new Set();
      } else if (item === ":none:") {
        all = false;
        names = new Set();
      } else {
        names.add(canonicalizeName(item));
      }
    }
  }
  if (all) return ":all:";
  return names.size > 0 ? names : undefined;
}
