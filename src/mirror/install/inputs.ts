// What the user asked install for: requirement arguments, -r files (with their --hash, -f,
// --require-hashes, --pre, --only-binary, --no-binary, --prefer-binary lines) and -c files, gathered into one request shape.
// Spec: https://pip.pypa.io/en/stable/reference/requirements-file-format/
// Traps:
// - --require-hashes is implied as soon as any requirement carries --hash (pip's rule).
// - -f lines in a requirements file are relative to that file; index options (-i) are ignored:
//   install never reads an index.

import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { isPylockFilename, parsePylock } from "../../pep/pylock.js";
import type { Requirement } from "../../pep/requirement.js";
import { parseRequirementArgument, parseRequirementsTxt } from "../../pep/requirements-txt.js";
import {
  isPyprojectFilename,
  type PyprojectOptions,
  readGroups,
  readPyproject,
} from "../pyproject-inputs.js";
import { collectHashes } from "../requirement-hashes.js";
import { lockedPackagesOf } from "../sync/lockfile.js";
import type { LockedPackage } from "../sync/types.js";

/** Requirements and the options the files carried. */
export interface RequirementInputs {
  requirements: Requirement[];
  constraints: Requirement[];
  /** Canonical name -> allowed sha256 (hex). */
  hashes: Map<string, Set<string>>;
  requireHashes: boolean;
  findLinks: string[];
  pre: boolean;
  onlyBinary: string[];
  noBinary: string[];
  preferBinary: boolean;
  /** Set when a pylock.toml was given with -r (PEP 751): the lock's packages, as listed. */
  locked?: LockedPackage[];
  /** What the caller should print as warnings (a pylock.toml's newer minor lock-version, ...). */
  warnings: string[];
}

/**
 * Read `args` (PEP 508 strings), `requirementFiles` and `constraintFiles`.
 * A `-r` file named pylock.toml or pylock.NAME.toml is read as a PEP 751 lock (`locked`).
 * @throws WheelhouseError "USAGE_FILE_NOT_FOUND", and those of the parsers (INVALID_REQUIREMENT,
 *   INVALID_REQUIREMENTS_FILE with file:line, INVALID_PYLOCK, LOCK_FILE_UNSUPPORTED).
 */
export function readRequirementInputs(
  args: string[],
  requirementFiles: string[],
  constraintFiles: string[],
  pyproject: PyprojectOptions = {},
): RequirementInputs {
  const out: RequirementInputs = {
    // A path or URL of a file is a requirement too, as in pip (see ../direct-references.ts).
    requirements: args.map((a) => parseRequirementArgument(a, process.cwd())),
    constraints: [],
    hashes: new Map(),
    requireHashes: false,
    warnings: [],
    findLinks: [],
    pre: false,
    onlyBinary: [],
    noBinary: [],
    preferBinary: false,
  };
  const read = (file: string, asConstraints: boolean) => {
    if (!existsSync(file)) {
      throw new WheelhouseError("USAGE_FILE_NOT_FOUND", `file ${quote(file)} does not exist`, {
        hint: "check the path given to -r/-c",
      });
    }
    if (!asConstraints && isPyprojectFilename(file)) {
      out.requirements.push(...readPyproject(file, pyproject));
      return;
    }
    if (!asConstraints && isPylockFilename(basename(file))) {
      const lock = parsePylock(readFileSync(file, "utf8"), file);
      out.warnings.push(...(lock.warnings ?? []));
      out.locked = [...(out.locked ?? []), ...lockedPackagesOf(lock, file)];
      return;
    }
    // Bytes: the parser decodes them as pip does (a BOM, UTF-16, a coding comment).
    const parsed = parseRequirementsTxt(readFileSync(file), {
      file,
      readFile: (p) => readFileSync(p),
    });
    for (const line of parsed.requirements) {
      (asConstraints ? out.constraints : out.requirements).push(line.requirement);
    }
    collectHashes(parsed.requirements, out.hashes);
    out.constraints.push(...parsed.constraints.map((c) => c.requirement));
    out.requireHashes ||= parsed.requireHashes;
    out.pre ||= parsed.pre;
    out.onlyBinary.push(...parsed.onlyBinary);
    out.noBinary.push(...parsed.noBinary);
    out.preferBinary ||= parsed.preferBinary;
    for (const f of parsed.findLinks) {
      out.findLinks.push(
        /^[a-z][a-z0-9+.-]*:\/\//i.test(f) || isAbsolute(f) ? f : resolve(dirname(file), f),
      );
    }
  };
  for (const f of requirementFiles) read(f, false);
  out.requirements.push(...readGroups(pyproject.groups ?? []));
  for (const f of constraintFiles) read(f, true);
  if (out.hashes.size > 0) out.requireHashes = true;
  return out;
}
