// `sync -d/--dest DIR`: besides the store, a flat folder of the chosen files under their own
// names, as `pip download -d DIR` leaves one: what `pip install --no-index --find-links DIR`
// (or a copy on a USB stick) needs, with no wheelhouse on the other side.
// Spec: https://pip.pypa.io/en/stable/cli/pip_download/ (-d), and pip's --find-links folders.
// Traps:
// - Copied from the store's verified blobs, never linked: the folder is the user's to change.
// - Each file is written under a temporary name and renamed, so an interrupted run leaves no
//   cut-off wheel under a real name; one already there with the same bytes is kept as it is.
// - Build requirements of chosen sdists are copied too: pip builds offline from the same folder.

import { constants } from "node:fs";
import { copyFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { hashFile } from "../../store/blobs.js";
import { findFile } from "../../store/queries.js";
import { blobPath, type Store } from "../../store/store.js";
import type { TargetSelection } from "./plan.js";

/** What {@link copyToDest} did, in files. */
export interface DestResult {
  /** Written now (new, or replacing other bytes under the same name). */
  copied: number;
  /** Already there with the same sha256. */
  kept: number;
}

/**
 * Copy every file `selections` chose that the store holds into `dir` (created when missing),
 * under its filename. Files the store lacks (a failed download) are left out; the caller reports
 * those already.
 * @throws WheelhouseError "OUTPUT_WRITE_FAILED" naming the file that could not be written.
 */
export async function copyToDest(
  store: Store,
  selections: TargetSelection[],
  dir: string,
): Promise<DestResult> {
  const result: DestResult = { copied: 0, kept: 0 };
  const filenames = new Set(selections.flatMap((s) => s.packages.map((p) => p.file.filename)));
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw writeFailed(dir, cause);
  }
  for (const filename of [...filenames].sort()) {
    const row = findFile(store, filename);
    if (row === undefined) continue;
    const target = join(dir, filename);
    const there = await stat(target).catch(() => undefined);
    if (there?.isFile() && there.size === row.size) {
      const { sha256 } = await hashFile(target);
      if (sha256 === row.sha256) {
        result.kept++;
        continue;
      }
    }
    const temp = join(dir, `.${filename}.${process.pid}.tmp`);
    try {
      // A reflink where the file system offers one (the same bytes, no copy), else a copy.
      await copyFile(blobPath(store, row.sha256), temp, constants.COPYFILE_FICLONE);
      await rename(temp, target);
    } catch (cause) {
      await rm(temp, { force: true });
      throw writeFailed(target, cause);
    }
    result.copied++;
  }
  return result;
}

function writeFailed(path: string, cause: unknown): WheelhouseError {
  return new WheelhouseError(
    "OUTPUT_WRITE_FAILED",
    `${quote(path)} could not be written: ${(cause as Error).message}`,
    { cause, hint: "the store is complete; run again with a writable --dest to get the folder" },
  );
}
