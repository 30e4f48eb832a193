// `wheelhouse add PATH...`: wiring only; the work is store/add.ts. Prints one line per file (or
// a bar on a TTY), each failure as `error:`/`hint:`, and a summary; `--json` prints the report.
// Exit codes: 0 all files stored or already there, 1 any file failed.

import { addPaths, closeStore, openStore } from "../store/index.js";
import type { CommandRun } from "./program.js";
import { resolveStoreDir } from "./store-dir.js";
import { createFileProgress, type FileProgress, formatBytes, printJson } from "./store-output.js";

/** Run `wheelhouse add`; resolves to the exit code. */
export const run: CommandRun = async (args, options) => {
  const json = options.json === true;
  const store = await openStore(resolveStoreDir(options));
  let progress: FileProgress | undefined;
  try {
    const report = await addPaths(store, args, {
      onStart: (total) => {
        progress = createFileProgress(total, json);
      },
      onFile: (event) => {
        if (event.status === "failed") {
          if (!json) {
            progress?.log(`error: ${event.error.message}`);
            if (event.error.hint) progress?.log(`hint: ${event.error.hint}`);
          }
          progress?.tick(`failed ${event.path}`);
        } else {
          progress?.tick(`${event.status} ${event.file.filename}`);
        }
      },
    });
    progress?.stop();
    if (json) {
      printJson({
        added: report.added,
        unchanged: report.unchanged.map((f) => f.filename),
        failed: report.failed.map(({ path, code, message }) => ({ path, code, message })),
        skipped: report.skipped,
      });
    } else {
      const bytes = report.added.reduce((sum, f) => sum + f.size, 0);
      process.stdout.write(
        `${report.added.length} added (${formatBytes(bytes)}), ${report.unchanged.length} unchanged, ` +
          `${report.failed.length} failed${report.skipped.length ? `, ${report.skipped.length} skipped (not distributions)` : ""}\n`,
      );
    }
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    progress?.stop();
    closeStore(store);
  }
};
