// What the user asked install for: requirement arguments, -r files (with their --hash, -f,
// --require-hashes, --pre, --only-binary, --no-binary, --prefer-binary lines) and -c files, gathered into one request shape.
// Spec: https://pip.pypa.io/en/stable/reference/requirements-file-format/
// Traps:
// - --require-hashes is implied as soon as any requirement carries --hash (pip's rule).
// - -f lines in a requirements file are relative to that file; index options (-i) are ignored:
//   install never reads an index.
// - A path or line naming a source tree (a directory) is taken out as a SourceTree
//   (./source-trees.ts): the requirement parser knows no name for it, and hands such lines back
//   (`unnamedPaths: "collect"`) instead of refusing them. They go back in file order among the
//   named lines (`position`); one with --hash turns hash-checking on (which then refuses the
//   directory, as pip does), its digests kept for nothing.
// - A source tree cannot be a constraint (pip: "Unnamed requirements are not allowed as
//   constraints"): refused in a -c file, or in a file a -c file includes.
// - An editable (`-e`) line is refused with what to do instead: install the directory itself.

import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { isPylockFilename, parsePylock } from "../../pep/pylock.js";
import type { Requirement } from "../../pep/requirement.js";
import {
  parseRequirementArgument,
  parseRequirementsTxt,
  type RequirementLine,
  type RequirementsFile,
  type UnnamedPathLine,
  unnamedPathError,
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
import {
  type SourceTree,
  sourceTreeOf,
  sourceTreeOfLine,
  sourceTreeOfRequirement,
} from "./source-trees.js";

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
    const parsed: RequirementsFile = editableRefused(() =>
      parseRequirementsTxt(readFileSync(file), {
        file,
        readFile: (p) => readFileSync(p),
        unnamedPaths: "collect",
      }),
    );
    const unnamed = parsed.unnamed.map((line) => ({ line, tree: unnamedSourceTree(line) }));
    for (const { line, tree } of unnamed) {
      if (asConstraints || line.constraint) throw constraintRefused(line, tree);
    }
    const { rest, trees, hashed } = asConstraints
      ? { rest: parsed.requirements, trees: [], hashed: false }
      : takeSourceTrees(parsed.requirements, unnamed);
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
 * The source tree a collected path line names.
 * @throws WheelhouseError "NOT_A_PYTHON_PROJECT", "DIRECT_REFERENCE_NOT_FOUND" (./source-trees.ts),
 *   and the parser's own refusal ("the project name of ... is unknown") for anything else: a
 *   file that is not a wheel or an sdist, a missing path named like one.
 */
function unnamedSourceTree(line: UnnamedPathLine): SourceTree {
  const tree = sourceTreeOfLine(line);
  if (tree === undefined) throw unnamedPathError(line);
  return tree;
}

/**
 * A source tree among constraints: a constraint limits the versions of a named project, and a
 * directory names none (pip: "Unnamed requirements are not allowed as constraints").
 */
function constraintRefused(line: UnnamedPathLine, tree: SourceTree): WheelhouseError {
  return new WheelhouseError(
    "INVALID_REQUIREMENTS_FILE",
    `${line.source.file}:${line.source.line}: constraint ${quote(tree.requirement)} names a source tree, which cannot be a constraint`,
    {
      hint: "give the directory as a requirement (-r or an argument), or constrain its project by name",
    },
  );
}

/**
 * The source trees of a requirements file, in file order: its unnamed path lines (put back
 * where they stood, by `position`) and its `name @ file:///dir` lines; the rest of `lines`.
 * `hashed` is set when a source-tree line carried --hash (hash-checking is then on).
 * @throws WheelhouseError "NOT_A_PYTHON_PROJECT" for a `name @ file:` line of a directory that
 *   is not a project.
 */
function takeSourceTrees(
  lines: RequirementLine[],
  unnamed: { line: UnnamedPathLine; tree: SourceTree }[],
): { rest: RequirementLine[]; trees: SourceTree[]; hashed: boolean } {
  const rest: RequirementLine[] = [];
  const trees: SourceTree[] = [];
  let hashed = false;
  let next = 0;
  const takeUnnamed = (before: number) => {
    for (; next < unnamed.length && unnamed[next].line.position <= before; next++) {
      trees.push(unnamed[next].tree);
      hashed ||= unnamed[next].line.hashes.length > 0;
    }
  };
  lines.forEach((line, index) => {
    takeUnnamed(index);
    const { name, url } = line.requirement;
    const text = url === undefined ? name : `${name} @ ${url}`;
    const tree = sourceTreeOfRequirement(line.requirement, text, line.source);
    if (tree === undefined) rest.push(line);
    else {
      trees.push(tree);
      hashed ||= line.hashes.length > 0;
    }
  });
  takeUnnamed(Number.POSITIVE_INFINITY);
  return { rest, trees, hashed };
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
