// pyproject.toml as a source of requirements for sync, install and bundle alike: `-r
// pyproject.toml` (its `[project].dependencies`, plus `--extra NAME` / `--all-extras`, as uv
// reads it) and pip's `--group [PATH:]NAME` (a PEP 735 dependency group; PATH defaults to
// ./pyproject.toml).
// Specs: https://packaging.python.org/en/latest/specifications/pyproject-toml/ ,
// https://packaging.python.org/en/latest/specifications/dependency-groups/ ,
// https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-group
// Trap: the project itself is not a requirement (its source tree is not built); its dependencies
// are, as `uv pip install -r pyproject.toml` takes them.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { quote, WheelhouseError } from "../pep/errors.js";
import { dependencyGroup, type PyprojectSelection, projectRequirements } from "../pep/pyproject.js";
import type { Requirement } from "../pep/requirement.js";

/** `--extra`, `--all-extras` (for `-r pyproject.toml`) and `--group` values. */
export interface PyprojectOptions extends PyprojectSelection {
  groups?: string[];
}

/** True for a `-r` file that is read as a pyproject.toml (its name is exactly that). */
export function isPyprojectFilename(path: string): boolean {
  return basename(path) === "pyproject.toml";
}

/**
 * The requirements of the pyproject.toml at `path` (see projectRequirements).
 * @throws WheelhouseError "USAGE_FILE_NOT_FOUND", and projectRequirements' errors.
 */
export function readPyproject(path: string, selection: PyprojectSelection): Requirement[] {
  return projectRequirements(readText(path), path, selection);
}

/**
 * The requirements of each `--group` value: `NAME` (from ./pyproject.toml) or `PATH:NAME`, PATH
 * a file named pyproject.toml, as pip takes them.
 * @throws WheelhouseError "USAGE_INVALID_OPTION" (PATH not named pyproject.toml),
 *   "USAGE_FILE_NOT_FOUND", and dependencyGroup's errors.
 */
export function readGroups(values: string[]): Requirement[] {
  return values.flatMap((value) => {
    const colon = value.lastIndexOf(":");
    const path = colon > 0 ? value.slice(0, colon) : "pyproject.toml";
    const name = colon > 0 ? value.slice(colon + 1) : value;
    if (!isPyprojectFilename(path)) {
      throw new WheelhouseError(
        "USAGE_INVALID_OPTION",
        `--group ${quote(value)}: ${quote(path)} is not a file named pyproject.toml`,
        { hint: "write --group NAME (./pyproject.toml) or --group path/to/pyproject.toml:NAME" },
      );
    }
    return dependencyGroup(readText(path), path, name);
  });
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new WheelhouseError("USAGE_FILE_NOT_FOUND", `file ${quote(path)} cannot be read`, {
      hint: "check the path given to -r or --group",
      cause,
    });
  }
}
