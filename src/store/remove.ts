// Removing distributions from the catalog: named files, a project's releases matched by a
// version specifier, or all but the newest releases of projects (--keep-latest). The rows go in
// one transaction, with releases and projects left without files; the blobs stay until `gc`
// (its grace period protects a blob a concurrent sync is about to claim again).
// Spec: https://packaging.python.org/en/latest/specifications/version-specifiers/ (matching and
// ordering releases).
// Traps:
// - Specifiers match pre-releases too ("lib>1" takes 2.0rc1), as nothing is chosen for
//   installation; PEP 440's own rules still hold ("lib<2" does not take 2.0rc1).
// - A release whose version does not parse (legacy) is never matched by a specifier and sorts
//   oldest for --keep-latest, as the resolver never prefers it.
// - A name or filename the store does not hold is an error before anything is removed: a typo
//   must not pass silently in a destructive command.

import { quote, WheelhouseError } from "../pep/errors.js";
import { parseSpecifierSet, specifierContains } from "../pep/specifier.js";
import { compareVersions, tryParseVersion } from "../pep/version.js";
import { checkedProjectName, findFile, findProject, listFiles, listProjects } from "./queries.js";
import type { Store } from "./store.js";
import type { StoredFile } from "./types.js";
import { removeFileRows } from "./verify.js";

/** What to remove: one file by its filename, or a project's files (all, or by specifier). */
export type RemoveSelector =
  | { filename: string }
  | {
      /** Any spelling of the project name. */
      project: string;
      /** A PEP 440 specifier set ("<2", "==1.0.*"); all releases when absent or "". */
      specifier?: string;
    };

/** Options of {@link removeDistributions}. */
export interface RemoveOptions {
  /**
   * Keep the N newest releases (PEP 440 order) of every project touched: of the projects the
   * selectors name, or of every project when there are no selectors.
   */
  keepLatest?: number;
  /** Report what would go, remove nothing. */
  dryRun?: boolean;
}

/** The outcome of {@link removeDistributions}. */
export interface RemoveReport {
  dryRun: boolean;
  /** The files removed (or that would be), by project then filename. */
  removed: StoredFile[];
  /** Their total size in bytes (freed once `gc` removes their blobs). */
  bytes: number;
  /** Canonical names of the projects left without files (gone from the index). */
  projectsEmptied: string[];
}

function notInStore(what: string, hint: string): WheelhouseError {
  return new WheelhouseError("NOT_IN_STORE", `${what} is not in the store`, { hint });
}

/** The newest `keep` releases of `files` (one project), as a set of versions. */
function newest(files: StoredFile[], keep: number): Set<string> {
  const versions = [...new Set(files.map((f) => f.version))];
  const valid = versions.filter((v) => tryParseVersion(v) !== null).sort(compareVersions);
  const ordered = [...versions.filter((v) => tryParseVersion(v) === null), ...valid];
  return new Set(ordered.slice(Math.max(0, ordered.length - keep)));
}

/**
 * Remove the files `selectors` choose (every file, when there are none and `keepLatest` is set),
 * sparing the `keepLatest` newest releases of each project touched.
 * @throws WheelhouseError "NOT_IN_STORE" for a filename or project the store does not hold,
 *   "INVALID_PROJECT_NAME" for an invalid name, "INVALID_SPECIFIER" for a bad specifier, all
 *   before anything is removed; "USAGE_NOTHING_SELECTED" without selectors or `keepLatest`.
 */
export function removeDistributions(
  store: Store,
  selectors: RemoveSelector[],
  options: RemoveOptions = {},
): RemoveReport {
  if (selectors.length === 0 && options.keepLatest === undefined) {
    throw new WheelhouseError("USAGE_NOTHING_SELECTED", "nothing to remove was named", {
      hint: "name files or projects (lib, 'lib<2', lib-1.0-py3-none-any.whl), or give --keep-latest N",
    });
  }
  /** Each project's stored files, read once. */
  const stored = new Map<string, StoredFile[]>();
  const filesOf = (name: string) => {
    let files = stored.get(name);
    if (files === undefined) {
      files = listFiles(store, name);
      stored.set(name, files);
    }
    return files;
  };
  /** Project -> its files chosen, by filename. */
  const chosen = new Map<string, Map<string, StoredFile>>();
  const choose = (file: StoredFile) => {
    let files = chosen.get(file.project);
    if (files === undefined) {
      files = new Map();
      chosen.set(file.project, files);
    }
    files.set(file.filename, file);
  };
  const projects =
    selectors.length === 0 ? listProjects(store).map((p) => p.name) : ([] as string[]);
  for (const selector of selectors) {
    if ("filename" in selector) {
      const file = findFile(store, selector.filename);
      if (file === undefined) {
        throw notInStore(
          `file ${quote(selector.filename)}`,
          "`wheelhouse list PROJECT` shows its files",
        );
      }
      choose(file);
      continue;
    }
    checkedProjectName(selector.project);
    const project = findProject(store, selector.project);
    if (project === undefined) {
      throw notInStore(
        `project ${quote(selector.project)}`,
        "`wheelhouse list` shows the projects",
      );
    }
    const spec = selector.specifier ?? "";
    if (spec !== "") parseSpecifierSet(spec); // a bad one throws now, matched or not
    for (const file of filesOf(project.name)) {
      if (spec === "" || specifierContains(spec, file.version, { prereleases: true })) choose(file);
    }
    if (!projects.includes(project.name)) projects.push(project.name);
  }
  if (selectors.length === 0) {
    for (const name of projects) for (const file of filesOf(name)) choose(file);
  }
  if (options.keepLatest !== undefined) {
    for (const name of new Set([...projects, ...chosen.keys()])) {
      const files = chosen.get(name);
      if (files === undefined) continue;
      const kept = newest(filesOf(name), options.keepLatest);
      for (const [filename, file] of files) if (kept.has(file.version)) files.delete(filename);
    }
  }
  const removed = [...chosen.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([, files]) => [...files.values()].sort((a, b) => (a.filename < b.filename ? -1 : 1)));
  const emptied = [...chosen.entries()]
    .filter(([name, files]) => files.size > 0 && files.size === filesOf(name).length)
    .map(([name]) => name)
    .sort();
  if (!options.dryRun && removed.length > 0) {
    removeFileRows(
      store,
      removed.map((f) => f.filename),
    );
  }
  return {
    dryRun: options.dryRun === true,
    removed,
    bytes: removed.reduce((sum, f) => sum + f.size, 0),
    projectsEmptied: emptied,
  };
}

/**
 * Read a command-line selector: a distribution filename (ends in .whl, .tar.gz, .zip, .tar.bz2
 * or .tgz), else a project name with an optional version specifier ("lib", "lib<2",
 * "lib==1.0.*"), checked by {@link removeDistributions}.
 * @throws WheelhouseError "USAGE_NOTHING_SELECTED" for an empty argument.
 */
export function parseRemoveSelector(arg: string): RemoveSelector {
  const text = arg.trim();
  if (text === "") {
    throw new WheelhouseError("USAGE_NOTHING_SELECTED", "an empty argument names nothing", {
      hint: "name a file or a project",
    });
  }
  if (/\.(whl|tar\.gz|zip|tar\.bz2|tgz)$/i.test(text)) return { filename: text };
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$/.exec(text);
  if (m === null) return { project: text };
  return m[2] === "" ? { project: m[1] } : { project: m[1], specifier: m[2] };
}
