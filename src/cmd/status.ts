// `wheelhouse status [PROJECT [STATUS]] [--reason TEXT]`: wiring only; the work is
// store/project-status.ts. Without arguments, every project status other than active (PEP 792)
// with its reason and source; with PROJECT, that project's; with STATUS (active, archived,
// quarantined, deprecated), sets the store's own status, which an index's never replaces.
// Exit codes: 0, 1 for an invalid name or status or a store that cannot be written, 2 for usage.

import { quotedReason, WheelhouseError } from "../pep/errors.js";
import {
  checkedProjectName,
  closeStore,
  listProjectStatuses,
  openStore,
  projectStatus,
  type StoredProjectStatus,
  setLocalProjectStatus,
} from "../store/index.js";
import { text } from "./option-values.js";
import type { CommandRun } from "./program.js";
import { existingStoreDir } from "./store-dir.js";
import { printJson } from "./store-output.js";

function line(s: StoredProjectStatus): string {
  const reason = quotedReason(s.reason);
  const source =
    s.source === "local"
      ? "set here"
      : s.source === "import"
        ? "from an import"
        : `from ${s.source}`;
  return `${s.name}: ${s.status}${reason}, ${source} ${s.updatedAt}`;
}

/** Run `wheelhouse status`; resolves to the exit code. */
export const run: CommandRun = async (args, options) => {
  const [given, status, ...rest] = args;
  const name = given === undefined ? undefined : checkedProjectName(given);
  if (rest.length > 0) {
    throw new WheelhouseError("USAGE_TOO_MANY_ARGUMENTS", "status takes a project and a status", {
      hint: "wheelhouse status PROJECT [active|archived|quarantined|deprecated] [--reason TEXT]",
    });
  }
  const reason = text(options.reason);
  if (reason !== undefined && status === undefined) {
    throw new WheelhouseError("USAGE_REASON_WITHOUT_STATUS", "--reason needs a status to give", {
      hint: `wheelhouse status ${name ?? "PROJECT"} quarantined --reason TEXT`,
    });
  }
  const store = await openStore(existingStoreDir(options), {
    mayBeReadOnly: status === undefined,
  });
  try {
    if (status !== undefined) {
      setLocalProjectStatus(store, name!, { status, ...(reason !== undefined ? { reason } : {}) });
    }
    const shown =
      name === undefined
        ? listProjectStatuses(store)
        : [projectStatus(store, name)].filter((s) => s !== undefined);
    if (options.json === true) {
      printJson(name === undefined ? shown : (shown[0] ?? { name, status: "active" }));
    } else if (name !== undefined && shown.length === 0) {
      process.stdout.write(`${name}: active\n`);
    } else {
      for (const s of shown) process.stdout.write(`${line(s)}\n`);
    }
    return 0;
  } finally {
    closeStore(store);
  }
};
