// Source-tree lines in requirements files (`./proj`, `../lib[extra] ; marker`, `file:///src/x`)
// for install: the requirements-file parser (pep/requirements-txt.ts) knows no project name for
// a directory and refuses the line, so each such line is handed to it as a placeholder project
// (`wheelhouse-source-tree-N[extras] ; marker`, its options kept) and taken out of the parsed
// lines again, as a SourceTree with its file and line.
// Spec: https://pip.pypa.io/en/stable/reference/requirements-file-format/ (pip reads a path line
// as it reads a command-line path: https://pip.pypa.io/en/stable/cli/pip_install/#argument-handling)
// Traps:
// - The text the parser reads must keep every line where it was, so that its messages name the
//   right line: the logical lines (continuations joined, comments dropped: the parser's own
//   preprocessing, which gives the same lines again) are written back at their first physical
//   line, the rest of the lines left blank. A file with no source-tree line is passed as it is.
// - A relative path is taken from the requirements file's folder, as wheelhouse takes wheel
//   paths in requirements files (pip takes both from the current directory).
// - `--hash` on a source-tree line stays on the placeholder's line, so it turns hash-checking on
//   (which then refuses the directory, as pip does); the placeholder's digests are dropped.

import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
import type { RequirementLine } from "../../pep/requirements-txt.js";
import { decodeRequirementsTxt } from "../../pep/requirements-txt-decode.js";
import { logicalLines, splitArgsOptions } from "../../pep/requirements-txt-lines.js";
import { type SourceTree, sourceTreeOf, sourceTreeOfRequirement } from "./source-trees.js";

/** Python's str.splitlines() boundaries, as the parser splits physical lines. */
const LINE_BREAKS = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

/** The placeholder project of the n-th source-tree line. */
const PLACEHOLDER = "wheelhouse-source-tree-";

/** Reads requirements files for the parser, with their source-tree lines as placeholders. */
export class SourceTreeLines {
  private readonly placeholders = new Map<string, SourceTree>();
  /** The first bad source-tree line met (see check()). */
  private failure?: unknown;

  /**
   * The contents of `file` for parseRequirementsTxt (its own text, and its `readFile` for the
   * files it includes): the bytes as they are, or the text with source-tree lines replaced. A
   * bad source-tree line is kept for check() (the parser would wrap an error thrown from its
   * `readFile` as "cannot read"); the line is left as it is.
   * @throws fs errors of reading `file`.
   */
  read(file: string): string | Uint8Array {
    const bytes = readFileSync(file);
    let text: string;
    try {
      text = decodeRequirementsTxt(bytes, file);
    } catch {
      return bytes; // the parser reports it
    }
    const lines = logicalLines(text, undefined);
    let changed = false;
    for (const logical of lines) {
      const { args, rest } = splitArgsOptions(logical.text);
      if (args === "") continue;
      let tree: SourceTree | undefined;
      try {
        tree = sourceTreeOf(args, dirname(file), { file, line: logical.line });
      } catch (error) {
        this.failure ??= error;
      }
      if (tree === undefined) continue;
      const name = `${PLACEHOLDER}${this.placeholders.size}`;
      this.placeholders.set(name, tree);
      const placeholder = `${name}${tree.extras.length > 0 ? `[${tree.extras.join(",")}]` : ""}`;
      const requirement =
        tree.marker !== undefined ? `${placeholder} ; ${tree.marker}` : placeholder;
      logical.text = rest === "" ? requirement : `${requirement} ${rest}`;
      changed = true;
    }
    if (!changed) return bytes;
    const out = new Array<string>(text.split(LINE_BREAKS).length).fill("");
    for (const { line, text: content } of lines) out[line - 1] = content;
    return out.join("\n");
  }

  /**
   * Throw the first bad source-tree line read: call it once the parser is done, whether it
   * succeeded or failed (its own error on that line would say less).
   * @throws WheelhouseError "NOT_A_PYTHON_PROJECT", "INVALID_REQUIREMENT" (file:line).
   */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * `lines` (parsed requirement lines) split into the source trees they name (placeholders, and
   * `name @ file:///dir` lines) and the rest. `hashed` is set when a source-tree line carried
   * --hash (hash-checking is then on).
   * @throws WheelhouseError "NOT_A_PYTHON_PROJECT" for a `name @ file:` line of a directory that
   *   is not a project.
   */
  take(lines: RequirementLine[]): {
    rest: RequirementLine[];
    trees: SourceTree[];
    hashed: boolean;
  } {
    const rest: RequirementLine[] = [];
    const trees: SourceTree[] = [];
    let hashed = false;
    for (const line of lines) {
      const tree =
        this.placeholders.get(line.requirement.name) ??
        sourceTreeOfRequirement(
          line.requirement,
          requirementText(line.requirement.name, line.requirement.url),
          line.source,
        );
      if (tree === undefined) rest.push(line);
      else {
        trees.push(tree);
        hashed ||= line.hashes.length > 0;
      }
    }
    return { rest, trees, hashed };
  }

  /**
   * Refuse source trees among constraints: a constraint limits the versions of a named project,
   * and a directory names none (pip: "Unnamed requirements are not allowed as constraints").
   * @throws WheelhouseError "INVALID_REQUIREMENTS_FILE" naming the file and line.
   */
  refuseConstraints(lines: RequirementLine[]): void {
    for (const line of lines) {
      const tree = this.placeholders.get(line.requirement.name);
      if (tree === undefined) continue;
      throw new WheelhouseError(
        "INVALID_REQUIREMENTS_FILE",
        `${line.source.file}:${line.source.line}: constraint ${quote(tree.requirement)} names a source tree, which cannot be a constraint`,
        {
          hint: "give the directory as a requirement (-r or an argument), or constrain its project by name",
        },
      );
    }
  }
}

function requirementText(name: string, url: string | undefined): string {
  return url === undefined ? name : `${name} @ ${url}`;
}
