// The warning PEP 592 asks of an installer that takes a yanked file (only an exact == pin takes
// one, see choose-file.ts): sync, install and bundle give it once per file, with the index's
// reason, as pip does ("The candidate selected for download or install is a yanked version").
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/#installers

import { quotedReason } from "../../pep/errors.js";
import type { ResolvedPackage } from "./types.js";

/**
 * The warning for each package whose chosen file is yanked, once per filename, in order.
 * @param packages resolved packages of one or more targets (named by displayName, else name).
 * @returns e.g. `lib 1.0 (lib-1.0-py3-none-any.whl) is yanked ("broken build"); it was taken
 *   for its exact == pin`.
 */
export function yankedWarnings(
  packages: Iterable<Pick<ResolvedPackage, "name" | "version" | "file"> & { displayName?: string }>,
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of packages) {
    const { yanked, filename } = p.file;
    if (yanked === false || seen.has(filename)) continue;
    seen.add(filename);
    out.push(
      `${p.displayName ?? p.name} ${p.version} (${filename}) is yanked${quotedReason(yanked)}; it was taken for its exact == pin`,
    );
  }
  return out;
}
