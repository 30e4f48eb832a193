// `wheelhouse import FILE.tar.gz`: wiring only; the work is mirror/bundle/import.ts. Either every
// file of the archive is verified and stored, or nothing is (the error names the bad member).
// Exit codes: 0 imported, 1 refused.

import { resolve } from "node:path";
import { importArchive } from "../mirror/bundle/import.js";
import { closeStore, openStore } from "../store/index.js";
import { mustExist } from "./option-values.js";
import type { CommandRun } from "./program.js";
import { resolveStoreDir } from "./store-dir.js";
import { formatBytes, plural, printJson } from "./store-output.js";

/** Run `wheelhouse import`; resolves to the exit code. */
export const run: CommandRun = async (args, options) => {
  mustExist(args[0], "the archive to import");
  const store = await openStore(resolveStoreDir(options));
  try {
    const report = await importArchive(store, resolve(args[0]));
    if (options.json === true) {
      printJson({
        kind: report.manifest.kind,
        added: report.added.map((f) => f.filename),
        unchanged: report.unchanged.map((f) => f.filename),
        yankChanges: report.yankChanges,
        statusChanges: report.statusChanges,
        provenances: report.provenances,
      });
    } else {
      const bytes = report.added.reduce((sum, f) => sum + f.size, 0);
      process.stdout.write(
        `verified ${plural(report.manifest.files.length, "file")}: ${report.added.length} added ` +
          `(${formatBytes(bytes)}), ${report.unchanged.length} already stored` +
          `${report.yankChanges.length > 0 ? `; ${plural(report.yankChanges.length, "stored file")} now ${report.yankChanges.length === 1 ? "has its" : "have their"} yank state from the archive` : ""}` +
          `${report.statusChanges > 0 ? `; ${plural(report.statusChanges, "project status", "project statuses")} set or lifted` : ""}` +
          `${report.provenances > 0 ? `; ${plural(report.provenances, "provenance object")} (PEP 740) kept` : ""}\n`,
      );
    }
    return 0;
  } finally {
    closeStore(store);
  }
};
