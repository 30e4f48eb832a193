// `wheelhouse du`: wiring only; sizes come from the catalog (store/du.ts), no tree walk.
// Prints one line per project (largest first) and the total. Exit code 0.

import { closeStore, diskUsage, openStore } from "../store/index.js";
import type { CommandRun } from "./program.js";
import { existingStoreDir } from "./store-dir.js";
import { formatBytes, plural, printJson } from "./store-output.js";

/** Run `wheelhouse du`; resolves to the exit code. */
export const run: CommandRun = async (_args, options) => {
  const store = await openStore(existingStoreDir(options), { mayBeReadOnly: true });
  try {
    const usage = diskUsage(store);
    if (options.json === true) {
      printJson(usage);
      return 0;
    }
    const projects = [...usage.projects].sort((a, b) => b.size - a.size);
    for (const p of projects) {
      process.stdout.write(
        `${formatBytes(p.size).padStart(10)}  ${plural(p.files, "file")}  ${p.displayName}\n`,
      );
    }
    process.stdout.write(
      `${formatBytes(usage.blobSize + usage.metadataSize).padStart(10)}  total: ${plural(usage.files, "file")} in ` +
        `${plural(projects.length, "project")} (${formatBytes(usage.size)} of files, ${formatBytes(usage.metadataSize)} of core metadata)\n`,
    );
    return 0;
  } finally {
    closeStore(store);
  }
};
