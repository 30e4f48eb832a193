// `wheelhouse remove [SELECTOR...] [--keep-latest N] [--dry-run]`: wiring only; the work is
// store/remove.ts. Removes files, releases matched by a specifier, or all but the newest N
// releases, from the catalog in one transaction; `serve` stops listing them at once and `gc`
// frees their blobs. Exit codes: 0, 1 for a name the store does not hold (nothing removed),
// 2 for a usage error.

import { closeStore, openStore, parseRemoveSelector, removeDistributions } from "../store/index.js";
import { wholeNumber } from "./option-values.js";
import type { CommandRun } from "./program.js";
import { existingStoreDir } from "./store-dir.js";
import { formatBytes, plural, printJson } from "./store-output.js";

/** Run `wheelhouse remove`; resolves to the exit code. */
export const run: CommandRun = async (args, options) => {
  const selectors = args.map(parseRemoveSelector);
  const keepLatest =
    options.keepLatest === undefined ? undefined : wholeNumber(options.keepLatest, "--keep-latest");
  const dryRun = options.dryRun === true;
  const store = await openStore(existingStoreDir(options), { mayBeReadOnly: dryRun });
  try {
    const report = removeDistributions(store, selectors, {
      dryRun,
      ...(keepLatest !== undefined ? { keepLatest } : {}),
    });
    if (options.json === true) {
      printJson(report);
      return 0;
    }
    const verb = dryRun ? "would remove" : "removed";
    for (const f of report.removed) process.stdout.write(`${verb} ${f.filename}\n`);
    const emptied = report.projectsEmptied.length;
    process.stdout.write(
      `${dryRun ? "dry run: " : ""}${verb} ${plural(report.removed.length, "file")} ` +
        `(${formatBytes(report.bytes)})` +
        `${emptied ? `; ${plural(emptied, "project")} ${dryRun ? "would leave" : "left"} the index (no file left)` : ""}` +
        `${!dryRun && report.removed.length > 0 ? "; run `wheelhouse gc` to free their blobs" : ""}\n`,
    );
    return 0;
  } finally {
    closeStore(store);
  }
};
