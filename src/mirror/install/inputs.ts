// What the user asked install for: requirement arguments, -r files (with their --hash, -f,
// --require-hashes, --pre, --only-binary lines) and -c files, gathered into one request shape.
// Spec: https://pip.pypa.io/en/stable/reference/requirements-file-format/
// Traps:
// - --require-hashes is implied as soon as any requirement carries --hash (pip's rule).
// - -f lines in a requirements file are relative to that file; index options (-i) are ignored:
//   install never reads an index.

import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parseRequirement, type Requirement } from "../../pep/requirement.js";
import { parseRequirementsTxt } from "../../pep/requirements-txt.js";
import { collectHashes } from "../requirement-hashes.js";

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
}

/**
 * Read `args` (PEP 508 strings), `requirementFiles` and `constraintFiles`.
 * @throws WheelhouseError from the parsers (INVALID_REQUIREMENT, INVALID_REQUIREMENTS_FILE with file:line).
 */
export function readRequirementInputs(
  args: string[],
  requirementFiles: string[],
  constraintFiles: string[],
): RequirementInputs {
  const out: RequirementInputs = {
    requirements: args.map((a) => parseRequirement(a)),
    constraints: [],
    hashes: new Map(),
    requireHashes: false,
    findLinks: [],
    pre: false,
    onlyBinary: [],
  };
  const read = (file: string, asConstraints: boolean) => {
    const parsed = parseRequirementsTxt(readFileSync(file, "utf8"), {
      file,
      readFile: (p) => readFileSync(p, "utf8"),
    });
    for (const line of parsed.requirements) {
      (asConstraints ? out.constraints : out.requirements).push(line.requirement);
    }
    collectHashes(parsed.requirements, out.hashes);
    out.constraints.push(...parsed.constraints.map((c) => c.requirement));
    out.requireHashes ||= parsed.requireHashes;
    out.pre ||= parsed.pre;
    out.onlyBinary.push(...parsed.onlyBinary);
    for (const f of parsed.findLinks) {
      out.findLinks.push(
        /^[a-z][a-z0-9+.-]*:\/\//i.test(f) || isAbsolute(f) ? f : resolve(dirname(file), f),
      );
    }
  };
  for (const f of requirementFiles) read(f, false);
  for (const f of constraintFiles) read(f, true);
  if (out.hashes.size > 0) out.requireHashes = true;
  return out;
}
