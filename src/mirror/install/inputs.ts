// What the user asked install for: requirement arguments, -r files (with their --hash, -f,
// --require-hashes, --pre, --only-binary, --no-binary, --prefer-binary lines) and -c files, gathered into one request shape.
// Spec: https://pip.pypa.io/en/stable/reference/requirements-file-format/
// Traps:
// - --require-hashes is implied as soon as any requirement carries --hash (pip's rule).
// - -f lines in a requirements file are relative to that file; index options (-i) are ignored:
//   install never reads an index.
// - A path or line naming a source tree (a directory) is taken out as a SourceTree
//   (./source-trees.ts, ./source-tree-lines.ts): the requirement parser knows no name for it.
// - An editable (`-e`) line is refused with what to do instead: install the directory itself.

import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
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
import { lockedPackagesOf } from "../sync/lockfile.js";
import type { LockedPackage } from "../sync/types.js";
import { SourceTreeLines } from "./source-tree-lines.js";
import { type SourceTree, sourceTreeOf, sourceTreeOfRequirement } from "./source-trees.js";

/** Requirements and the options the files carried. */
export interface RequirementInputs {
  requirements: Requirement[];
  /** Requirements that name a source tree (a directory), built into a wheel by install. */
  sourceTrees: SourceTree[];
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
 * An argument or line that names a directory goes to `sourceTrees` (relative: from the current
 * directory for an argument, from the requirements file's folder for a line).
 * @throws WheelhouseError "USAGE_FILE_NOT_FOUND", "NOT_A_PYTHON_PROJECT" (a directory without
 *   pyproject.toml or setup.py), "DIRECT_REFERENCE_NOT_FOUND" (a path, not named like a wheel or
 *   an sdist, that does not exist), "EDITABLE_NOT_SUPPORTED" (`-e`), and those of the parsers
 *   (INVALID_REQUIREMENT, INVALID_REQUIREMENTS_FILE with file:line, INVALID_PYLOCK,
 *   LOCK_FILE_UNSUPPORTED).
 */
export function readRequirementInputs(
  args: string[],
  requirementFiles: string[],
  constraintFiles: string[],
  pyproject: PyprojectOptions = {},
): RequirementInputs {
  const out: RequirementInputs = {
    requirements: [],
    sourceTrees: [],
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
  for (const a of args) {
    // A path or URL of a file is a requirement too, as in pip (see ../direct-references.ts); a
    // directory is a source tree.
    const tree = sourceTreeOf(a, process.cwd());
    if (tree !== undefined) {
      out.sourceTrees.push(tree);
      continue;
    }
    const r = parseRequirementArgument(a, process.cwd());
    const named = sourceTreeOfRequirement(r, a.trim());
    if (named !== undefined) out.sourceTrees.push(named);
    else out.requirements.push(r);
  }
  const lines = new SourceTreeLines();
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
    let parsed: RequirementsFile;
    try {
      parsed = editableRefused(() =>
        parseRequirementsTxt(lines.read(file), { file, readFile: (p) => lines.read(p) }),
      );
    } catch (error) {
      lines.check();
      throw error;
    }
    lines.check();
    lines.refuseConstraints(parsed.constraints);
    if (asConstraints) lines.refuseConstraints(parsed.requirements);
    const { rest, trees, hashed } = asConstraints
      ? { rest: parsed.requirements, trees: [], hashed: false }
      : lines.take(parsed.requirements);
    for (const line of rest) {
      (asConstraints ? out.constraints : out.requirements).push(line.requirement);
    }
    out.sourceTrees.push(...trees);
    collectHashes(rest, out.hashes);
    out.constraints.push(...parsed.constraints.map((c) => c.requirement));
    out.requireHashes ||= parsed.requireHashes || hashed;
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

/**
 * `parse()`, with an editable (`-e`) line refused with install's hint: install the directory
 * without -e (a built copy, as `pip install DIR` makes).
 */
function editableRefused<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof WheelhouseError) || error.code !== "EDITABLE_NOT_SUPPORTED") throw error;
    throw new WheelhouseError(error.code, error.message, { hint: EDITABLE_HINT, cause: error });
  }
}

/** What to do instead of an editable install. */
export const EDITABLE_HINT =
  "install the directory without -e (a line `./DIR`, or `wheelhouse install ./DIR`): it is built into a wheel and installed; install it again after changing it";
