// Requirements a pyproject.toml declares: `[project].dependencies` and the extras of
// `[project.optional-dependencies]` (PEP 621), and dependency groups (PEP 735), so that
// `-r pyproject.toml` (as uv takes it) and pip's `--group NAME` work.
// Specs: https://packaging.python.org/en/latest/specifications/pyproject-toml/ ,
// https://packaging.python.org/en/latest/specifications/dependency-groups/
// Traps:
// - Extra and group names compare normalized (PEP 685 for extras, PEP 503's rule for groups);
//   errors show them as written.
// - Dependencies the file marks `dynamic` are not in it (the build backend computes them): asking
//   for them is an error, not an empty list.
// - A group's `{include-group = "other"}` is replaced by that group's entries in place; a cycle
//   is an error (the spec's MUST).

import { parse, TomlError } from "smol-toml";
import { quote, WheelhouseError } from "./errors.js";
import { canonicalizeName } from "./names.js";
import { parseRequirement, type Requirement } from "./requirement.js";

/** What to take from a pyproject.toml besides `[project].dependencies`. */
export interface PyprojectSelection {
  /** `--extra NAME`: these optional-dependencies tables. */
  extras?: string[];
  /** `--all-extras`: every optional-dependencies table. */
  allExtras?: boolean;
}

type Table = Record<string, unknown>;

/**
 * `[project].dependencies` of the pyproject.toml `text` (from `path`, for messages) and the
 * extras `selection` asks for, in file order.
 * @throws WheelhouseError "INVALID_PYPROJECT" (TOML errors with their line, a value of the wrong
 *   type, a requirement that does not parse: each names the file and the key),
 *   "PYPROJECT_DYNAMIC" (dependencies or optional-dependencies the build backend computes),
 *   "PYPROJECT_UNKNOWN_EXTRA" (listing the extras the file has).
 */
export function projectRequirements(
  text: string,
  path: string,
  selection: PyprojectSelection = {},
): Requirement[] {
  const doc = read(text, path);
  const project = doc.project;
  if (project === undefined) {
    throw invalid(path, "no [project] table", "-r pyproject.toml reads [project].dependencies");
  }
  if (!isTable(project)) throw invalid(path, "[project] is not a table");
  const dynamic = Array.isArray(project.dynamic) ? project.dynamic : [];
  const wanted = selection.extras ?? [];
  if (dynamic.includes("dependencies")) throw dynamicError(path, "dependencies");
  const out = requirementList(project.dependencies ?? [], path, "project.dependencies");
  if (wanted.length === 0 && !selection.allExtras) return out;
  if (dynamic.includes("optional-dependencies")) throw dynamicError(path, "optional-dependencies");
  const optional = project["optional-dependencies"] ?? {};
  if (!isTable(optional)) throw invalid(path, "[project.optional-dependencies] is not a table");
  const byName = new Map(
    Object.keys(optional).map((k) => [canonicalizeName(k, { validate: false }), k]),
  );
  const names = selection.allExtras
    ? Object.keys(optional)
    : wanted.map((extra) => {
        const key = byName.get(canonicalizeName(extra, { validate: false }));
        if (key === undefined) {
          throw new WheelhouseError(
            "PYPROJECT_UNKNOWN_EXTRA",
            `${path} has no extra ${quote(extra)}`,
            { hint: `its extras: ${Object.keys(optional).join(", ") || "none"}` },
          );
        }
        return key;
      });
  for (const key of [...new Set(names)]) {
    out.push(...requirementList(optional[key], path, `project.optional-dependencies.${key}`));
  }
  return out;
}

/**
 * The requirements of dependency group `group` of the pyproject.toml `text` (from `path`), its
 * includes expanded in place.
 * @throws WheelhouseError "INVALID_PYPROJECT" (TOML errors, wrong types, bad requirements, an
 *   include cycle, two groups whose names normalize alike), "PYPROJECT_UNKNOWN_GROUP" (listing
 *   the groups the file has).
 */
export function dependencyGroup(text: string, path: string, group: string): Requirement[] {
  const doc = read(text, path);
  const groups = doc["dependency-groups"] ?? {};
  if (!isTable(groups)) throw invalid(path, "[dependency-groups] is not a table");
  const byName = new Map<string, string>();
  for (const key of Object.keys(groups)) {
    const name = canonicalizeName(key, { validate: false });
    const other = byName.get(name);
    if (other !== undefined) {
      throw invalid(path, `dependency groups ${quote(other)} and ${quote(key)} have one name`);
    }
    byName.set(name, key);
  }
  const expand = (name: string, chain: string[]): Requirement[] => {
    const key = byName.get(canonicalizeName(name, { validate: false }));
    if (key === undefined) {
      if (chain.length > 0) {
        throw invalid(
          path,
          `dependency group ${quote(chain.at(-1)!)} includes ${quote(name)}, which is not defined`,
        );
      }
      throw new WheelhouseError(
        "PYPROJECT_UNKNOWN_GROUP",
        `${path} has no dependency group ${quote(name)}`,
        {
          hint: `its groups: ${Object.keys(groups).join(", ") || "none"}`,
        },
      );
    }
    if (chain.includes(key)) {
      throw invalid(path, `dependency groups include each other: ${[...chain, key].join(" -> ")}`);
    }
    const entries = groups[key];
    if (!Array.isArray(entries)) throw invalid(path, `dependency-groups.${key} is not an array`);
    const out: Requirement[] = [];
    for (const [i, entry] of entries.entries()) {
      if (isTable(entry)) {
        const include = entry["include-group"];
        if (typeof include !== "string" || Object.keys(entry).length !== 1) {
          throw invalid(
            path,
            `dependency-groups.${key}[${i}] is neither a requirement nor {include-group = "name"}`,
          );
        }
        out.push(...expand(include, [...chain, key]));
      } else {
        out.push(...requirementList([entry], path, `dependency-groups.${key}[${i}]`, true));
      }
    }
    return out;
  };
  return expand(group, []);
}

function read(text: string, path: string): Table {
  try {
    return parse(text) as Table;
  } catch (cause) {
    const where = cause instanceof TomlError ? ` (line ${cause.line})` : "";
    throw invalid(path, `not valid TOML${where}: ${(cause as Error).message.split("\n")[0]}`);
  }
}

function requirementList(value: unknown, path: string, key: string, single = false): Requirement[] {
  if (!Array.isArray(value)) throw invalid(path, `${key} is not an array of requirements`);
  return value.map((item, i) => {
    const at = single ? key : `${key}[${i}]`;
    if (typeof item !== "string") throw invalid(path, `${at} is not a string`);
    try {
      return parseRequirement(item);
    } catch (cause) {
      throw invalid(
        path,
        `${at} (${quote(item)}) is not a valid requirement: ${(cause as Error).message}`,
      );
    }
  });
}

function isTable(value: unknown): value is Table {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

function dynamicError(path: string, field: string): WheelhouseError {
  return new WheelhouseError(
    "PYPROJECT_DYNAMIC",
    `${path} marks ${field} dynamic: its build backend computes them, so the file does not list them`,
    {
      hint: "build the project's metadata where that can run (python3 -m pip wheel --no-deps .) and require its wheel, or list the requirements in a requirements file",
    },
  );
}

function invalid(path: string, why: string, hint?: string): WheelhouseError {
  return new WheelhouseError("INVALID_PYPROJECT", `${path}: ${why}`, hint ? { hint } : {});
}
