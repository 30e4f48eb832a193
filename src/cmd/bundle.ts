// `wheelhouse bundle [REQ...] [-r FILE]... [--target SPEC]... [--sync] -o FILE.tar.gz`: wiring
// only; the work is mirror/bundle/bundle.ts. With --sync, `wheelhouse sync` runs first with the
// same requirements, targets and store, so what is missing comes from the upstream.
// Exit codes: 0 written, 1 error (resolution failures name what the store lacks).

import { resolve as resolvePath } from "node:path";
import { bundleFromStore } from "../mirror/bundle/bundle.js";
import { interpreterTarget, probeInterpreter } from "../mirror/interpreter.js";
import { binarySet } from "../mirror/sync/inputs.js";
import { selectTargets } from "../mirror/sync/targets.js";
import { formatRequirement } from "../pep/requirement.js";
import { closeStore, openStore } from "../store/index.js";
import { targetFlags } from "./option-values.js";
import type { CommandRun } from "./program.js";
import { existingStoreDir } from "./store-dir.js";
import { archiveJson, archiveLine, printJson } from "./store-output.js";
import { syncInputsOf } from "./sync-inputs.js";
import { VERSION } from "./version.js";

/** Run `wheelhouse bundle`; resolves to the exit code. */
export const run: CommandRun = async (args, options) => {
  const inputs = syncInputsOf(args, options, "bundle", "wheelhouse bundle 'flask>=3' -o f.tar.gz");
  const targets = await selectTargets(targetFlags(options), async () =>
    interpreterTarget(await probeInterpreter()),
  );
  if (options.sync === true) {
    const sync = await import("./sync.js");
    const code = await sync.run(args, {
      ...options,
      json: false,
      target: targets.map((t) => t.spec),
      pythonVersion: undefined,
      platform: undefined,
      pythonPlatform: undefined,
      implementation: undefined,
      abi: undefined,
    });
    if (code !== 0) return code;
  }
  const onlyBinary = binarySet(inputs.onlyBinary);
  const noBinary = binarySet(inputs.noBinary);
  const pre = options.pre === true || inputs.pre;
  const store = await openStore(existingStoreDir(options), { mayBeReadOnly: true });
  try {
    const report = await bundleFromStore(store, {
      output: resolvePath(String(options.output)),
      requirements: inputs.requirements,
      ...(inputs.locked ? { locked: inputs.locked } : {}),
      targets,
      policy: {
        constraints: inputs.constraints,
        pre,
        preferBinary: inputs.preferBinary,
        hashes: inputs.hashes,
        requireHashes: inputs.requireHashes,
        ...(onlyBinary ? { onlyBinary } : {}),
        ...(noBinary ? { noBinary } : {}),
      },
      toolVersion: VERSION,
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      inputs: {
        requirements: inputs.requirements.map(formatRequirement),
        constraints: inputs.constraints.map(formatRequirement),
        ...(inputs.locked
          ? { locked: inputs.locked.map((p) => `${p.name}${p.version ? `==${p.version}` : ""}`) }
          : {}),
        targets: targets.map((t) => t.spec),
        ...(pre ? { pre } : {}),
      },
    });
    const files = report.manifest.files;
    if (options.json === true) {
      printJson({
        ...archiveJson(report),
        targets: report.manifest.targets,
        files: files.map((f) => f.filename),
      });
    } else {
      for (const t of report.manifest.targets) {
        process.stdout.write(`${t.spec}: ${t.packages} packages\n`);
      }
      process.stdout.write(archiveLine(report.output, files, report.size, report.sha256));
    }
    return 0;
  } finally {
    closeStore(store);
  }
};
