// `wheelhouse export [--since BUNDLE|MANIFEST] -o FILE`: wiring only; the work is
// mirror/bundle/export.ts. Prints what was written; `--json` prints the report.
// Exit codes: 0 written, 1 error.

import { resolve } from "node:path";
import { exportStore } from "../mirror/bundle/export.js";
import { closeStore, openStore } from "../store/index.js";
import { mustExist, strings } from "./option-values.js";
import type { CommandRun } from "./program.js";
import { existingStoreDir } from "./store-dir.js";
import { archiveJson, archiveLine, printJson } from "./store-output.js";
import { VERSION } from "./version.js";

/** Run `wheelhouse export`; resolves to the exit code. */
export const run: CommandRun = async (_args, options) => {
  const since = strings(options.since);
  for (const path of since) mustExist(path, "--since");
  const store = await openStore(existingStoreDir(options), { mayBeReadOnly: true });
  try {
    const report = await exportStore(store, {
      output: resolve(String(options.output)),
      ...(since.length > 0 ? { since: since.map((p) => resolve(p)) } : {}),
      toolVersion: VERSION,
    });
    const files = report.manifest.files;
    if (options.json === true) {
      printJson({
        ...archiveJson(report),
        files: files.length,
      });
    } else {
      process.stdout.write(archiveLine(report.output, files, report.size, report.sha256));
    }
    return 0;
  } finally {
    closeStore(store);
  }
};
