// `wheelhouse gc [--grace SECONDS]`: wiring only; the work is store/gc.ts. Removes blobs no row
// references and tmp leftovers older than the grace period (default 3600 s), reports the bytes
// freed. Exit codes: 0, 2 for a bad --grace.

import { quote, WheelhouseError } from "../pep/errors.js";
import { closeStore, collectGarbage, DEFAULT_GC_GRACE_MS, openStore } from "../store/index.js";
import type { CommandRun } from "./program.js";
import { existingStoreDir } from "./store-dir.js";
import { formatBytes, printJson } from "./store-output.js";

/** Run `wheelhouse gc`; resolves to the exit code. */
export const run: CommandRun = async (_args, options) => {
  let graceMs = DEFAULT_GC_GRACE_MS;
  if (options.grace !== undefined) {
    const seconds = Number(options.grace);
    if (!Number.isFinite(seconds) || seconds < 0 || String(options.grace).trim() === "") {
      throw new WheelhouseError(
        "USAGE_INVALID_GRACE",
        `--grace ${quote(String(options.grace))} is not a number of seconds`,
        { hint: "give the age in seconds below which unreferenced blobs are kept (0 keeps none)" },
      );
    }
    graceMs = seconds * 1000;
  }
  const store = await openStore(existingStoreDir(options));
  try {
    const report = await collectGarbage(store, { graceMs });
    if (options.json === true) {
      printJson(report);
    } else {
      process.stdout.write(
        `removed ${report.removedBlobs} unreferenced blobs (${formatBytes(report.freedBytes)}) and ` +
          `${report.removedTmp} tmp leftovers (${formatBytes(report.freedTmpBytes)})` +
          `${report.removedProvenances ? `; dropped ${report.removedProvenances} provenance objects of removed files` : ""}` +
          `${report.spared ? `; spared ${report.spared} younger than the grace period` : ""}\n`,
      );
    }
    return 0;
  } finally {
    closeStore(store);
  }
};
