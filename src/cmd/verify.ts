// `wheelhouse verify [--repair]`: wiring only; the work is store/verify.ts. Reports each missing
// or corrupt file by filename; `--repair` drops their rows and bad blobs (or restores a bad
// core metadata blob from its intact distribution).
// Exit codes: 0 every blob intact, 1 anything was wrong (even when repaired).

import { closeStore, openStore, verifyStore } from "../store/index.js";
import type { CommandRun } from "./program.js";
import { existingStoreDir } from "./store-dir.js";
import {
  createFileProgress,
  type FileProgress,
  formatBytes,
  plural,
  printJson,
} from "./store-output.js";

/** Run `wheelhouse verify`; resolves to the exit code. */
export const run: CommandRun = async (_args, options) => {
  const json = options.json === true;
  const store = await openStore(existingStoreDir(options), { mayBeReadOnly: !options.repair });
  let progress: FileProgress | undefined;
  try {
    const report = await verifyStore(store, {
      repair: options.repair === true,
      onProgress: (_done, total) => {
        progress ??= createFileProgress(total, json, false);
        progress.tick("");
      },
    });
    progress?.stop();
    if (json) {
      printJson(report);
    } else {
      for (const p of report.problems) {
        const what = p.blob === "metadata" ? "core metadata blob of " : "";
        const fixed = p.repaired ? ` (${p.repaired})` : "";
        const why = p.error ? `: ${p.error}` : "";
        process.stderr.write(
          `error: ${p.problem} ${what}${p.filename} (sha256 ${p.sha256})${fixed}${why}\n`,
        );
      }
      process.stdout.write(
        `${plural(report.files, "file")}, ${plural(report.blobs, "blob")}, ${formatBytes(report.bytes)} checked: ` +
          `${report.problems.length === 0 ? "all intact" : `${report.problems.length} bad`}\n`,
      );
      // --repair never touches an unreadable blob, so it is only suggested for the others.
      const unreadable = report.problems.filter((p) => p.problem === "unreadable").length;
      if (report.problems.length > unreadable && options.repair !== true) {
        process.stderr.write(
          "hint: run `wheelhouse verify --repair`, then sync or add them again\n",
        );
      }
      if (unreadable > 0) {
        process.stderr.write(
          "hint: an unreadable blob may well be intact: fix its permissions or the disk, then verify again\n",
        );
      }
    }
    return report.problems.length > 0 ? 1 : 0;
  } finally {
    progress?.stop();
    closeStore(store);
  }
};
