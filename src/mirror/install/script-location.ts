// Whether the scripts an install wrote can be run by name: pip warns when a script lands in a
// directory that is not on PATH (a user install's ~/.local/bin, often), unless that directory is
// the interpreter's own (a venv's bin, used through activation or by path).
// Spec: pip's behaviour (pip 23.2: `message_about_scripts_not_on_PATH` in
// pip/_internal/operations/install/wheel.py, and --no-warn-script-location).
// Traps:
// - PATH entries are compared resolved and without trailing separators; `~` is not expanded
//   (a shell expands it before PATH is set; a literal `~` in PATH names no directory).
// - Pure: the caller passes PATH, the separator and the interpreter's directory.

import { basename, dirname, resolve } from "node:path";

/** Scripts installed in one directory that is not on PATH. */
export interface ScriptsOffPath {
  dir: string;
  /** Script file names, sorted. */
  names: string[];
}

/**
 * Directories among the parents of `scripts` (absolute paths) that are neither on `pathEnv`
 * (entries split on `delimiter`) nor `executableDir`, each with the names of its scripts; sorted
 * by directory. Empty when every script can be run by name.
 */
export function scriptsOffPath(
  scripts: string[],
  pathEnv: string | undefined,
  executableDir: string,
  delimiter = ":",
): ScriptsOffPath[] {
  const norm = (p: string) => resolve(p).replace(/[\\/]+$/, "") || "/";
  const onPath = new Set(
    (pathEnv ?? "")
      .split(delimiter)
      .filter((p) => p !== "")
      .map(norm),
  );
  onPath.add(norm(executableDir));
  const byDir = new Map<string, string[]>();
  for (const script of scripts) {
    const dir = norm(dirname(script));
    if (onPath.has(dir)) continue;
    byDir.set(dir, [...(byDir.get(dir) ?? []), basename(script)]);
  }
  return [...byDir]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([dir, names]) => ({ dir, names: names.sort() }));
}
