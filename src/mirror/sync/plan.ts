// The plan of a sync: the distinct files every target's resolution chose, each marked "stored"
// when the catalog already has it (same filename and, when the index states one, same sha256)
// so the fetch phase never requests it.
// Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// (a filename names one file: the same filename from two targets is one download)
// Trap: a stored file whose sha256 differs from the index's is left "missing"; the store then
// refuses it with FILENAME_CONFLICT, which is the right loud failure (the upstream changed a
// published file).

import { findFile } from "../../store/queries.js";
import type { Store } from "../../store/store.js";
import type { Resolution, ResolvedPackage } from "../resolve/types.js";
import type { PlannedFile } from "./types.js";

/** A target's chosen packages (a resolution, or the packages of a pylock input). */
export interface TargetSelection {
  /** The target spec as the user wrote it. */
  target: string;
  packages: Pick<ResolvedPackage, "name" | "version" | "file" | "buildOnly">[];
  /** Time spent resolving, in ms. */
  resolveMs: number;
}

/** A selection from a resolver result. */
export function selectionOf(resolution: Resolution, resolveMs: number): TargetSelection {
  return { target: resolution.target.spec, packages: resolution.packages, resolveMs };
}

/**
 * The distinct files of `selections` in first-seen order, each with the targets that chose it
 * and its state against `store`.
 */
export function planFiles(store: Store, selections: TargetSelection[]): PlannedFile[] {
  const byFilename = new Map<string, PlannedFile>();
  for (const selection of selections) {
    for (const pkg of selection.packages) {
      const known = byFilename.get(pkg.file.filename);
      if (known !== undefined) {
        if (!known.targets.includes(selection.target)) known.targets.push(selection.target);
        continue;
      }
      const stored = findFile(store, pkg.file.filename);
      const same =
        stored !== undefined &&
        (pkg.file.sha256 === undefined || stored.sha256 === pkg.file.sha256.toLowerCase());
      byFilename.set(pkg.file.filename, {
        file: pkg.file,
        project: pkg.name,
        version: pkg.version,
        targets: [selection.target],
        state: same ? "stored" : "missing",
      });
    }
  }
  return [...byFilename.values()];
}
