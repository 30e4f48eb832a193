// `wheelhouse sync`: wiring only; the work is mirror/sync. Reads requirement sources and flags,
// picks the upstream (--index-url > the requirements file's -i > WHEELHOUSE_INDEX_URL > PyPI) and
// the targets, runs the sync with a progress display on stderr, then prints a summary (or the
// --json report) on stdout and writes --lock / --requirements-out.
// Exit codes: 0 ok, 1 failure (resolution impossible, a download failed), 2 usage.
// --lock and --requirements-out are written only when every chosen file is in the store (or on
// --dry-run): a failed or interrupted run leaves an earlier lock as it was.
// Trap: startup time counts (a sync of a few files is mostly startup). The local interpreter is
// probed (a python3 process, ~0.15 s) while the engine's modules (undici, SQLite, the resolver:
// ~0.15 s) load, so those are imported dynamically, after the probe has been started.

import { statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { interpreterTarget, probeInterpreter } from "../mirror/interpreter.js";
import { binarySet } from "../mirror/sync/inputs.js";
import {
  buildLock,
  formatHashedRequirements,
  type LockOptions,
  perTargetPath,
} from "../mirror/sync/lockfile.js";
import type { TargetSelection } from "../mirror/sync/plan.js";
import { reportJson, summaryLines } from "../mirror/sync/report.js";
import { selectTargets } from "../mirror/sync/targets.js";
import type { IndexStrategy } from "../mirror/upstream/provider.js";
import { quote, WheelhouseError } from "../pep/errors.js";
import { formatPylock, isPylockFilename } from "../pep/pylock.js";
import type { Target } from "../pep/target.js";
import { processEnv, strings, targetFlags, text, wholeNumber } from "./option-values.js";
import { checkOutputFolder, reportOption, writeOutputFile, writeReport } from "./output-file.js";
import type { CommandRun } from "./program.js";
import { resolveStoreDir } from "./store-dir.js";
import { syncInputsOf } from "./sync-inputs.js";
import { VERSION } from "./version.js";

/** The modules that do the work, loaded while the interpreter probe runs. */
async function loadEngine() {
  const [sync, dispatcher, httpClient, store, output, progress, dest] = await Promise.all([
    import("../mirror/sync/sync.js"),
    import("../mirror/http/dispatcher.js"),
    import("../mirror/http/http-client.js"),
    import("../store/index.js"),
    import("./store-output.js"),
    import("./sync-progress.js"),
    import("../mirror/sync/dest.js"),
  ]);
  return { ...sync, ...dispatcher, ...httpClient, ...store, ...output, ...progress, ...dest };
}

/** The upstream when neither a flag, a requirements file nor the environment names one. */
export const DEFAULT_INDEX_URL = "https://pypi.org/simple/";

function excludeNewerOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new WheelhouseError(
      "USAGE_INVALID_OPTION",
      `--exclude-newer ${quote(value)} is not a date`,
      {
        hint: 'give an RFC 3339 date or datetime, e.g. "2025-01-31" or "2025-01-31T12:00:00Z"',
      },
    );
  }
  return date;
}

/**
 * Refuse, before any work, an output that cannot be written: a --lock name that is not a
 * pylock.toml name (PEP 751: `pylock.toml` or `pylock.NAME.toml`; -r would not read it back)
 * and an output whose folder does not exist.
 */
function checkOutputs(lockPath: string | undefined, reqPath: string | undefined): void {
  if (lockPath !== undefined && !isPylockFilename(basename(lockPath))) {
    throw new WheelhouseError(
      "USAGE_INVALID_OPTION",
      `--lock ${quote(lockPath)} is not a pylock.toml name`,
      { hint: "PEP 751 names a lock pylock.toml or pylock.NAME.toml (NAME without dots)" },
    );
  }
  for (const [flag, path] of [
    ["--lock", lockPath],
    ["--requirements-out", reqPath],
  ] as const) {
    if (path !== undefined) checkOutputFolder(flag, path);
  }
}

/** What a failed output write says is kept. */
const KEPT_HINT = "the store is complete; run again with a writable path to get this file";

/** Write an output file; a failure names it (OUTPUT_WRITE_FAILED). */
function writeOutput(path: string, data: string): Promise<void> {
  return writeOutputFile(path, data, KEPT_HINT);
}

/**
 * Write pip's installation report of each target (`--report`): to `path`, one file per target
 * (the spec inserted as for --requirements-out) when there are several; "-" prints the one
 * target's report on stdout.
 * @throws WheelhouseError "OUTPUT_WRITE_FAILED".
 */
async function writeReports(
  path: string,
  reports: unknown[],
  selections: TargetSelection[],
  silent: boolean,
): Promise<void> {
  for (const [i, report] of reports.entries()) {
    const out = reports.length > 1 ? perTargetPath(path, selections[i].target) : path;
    const wrote = await writeReport(out, report, KEPT_HINT);
    if (wrote && !silent) process.stderr.write(`wrote ${out}\n`);
  }
}

/** Write --lock and --requirements-out (one per target when there are several); `silent` (--json, -q): no "wrote" lines. */
async function writeOutputs(
  lockPath: string | undefined,
  reqPath: string | undefined,
  targets: Target[],
  selections: TargetSelection[],
  silent: boolean,
  lockOptions: LockOptions,
): Promise<void> {
  if (lockPath) {
    await writeOutput(lockPath, formatPylock(buildLock(targets, selections, lockOptions)));
    if (!silent) process.stderr.write(`wrote ${lockPath}\n`);
  }
  if (reqPath) {
    for (const selection of selections) {
      const path = selections.length > 1 ? perTargetPath(reqPath, selection.target) : reqPath;
      await writeOutput(path, formatHashedRequirements(selection));
      if (!silent) process.stderr.write(`wrote ${path}\n`);
    }
  }
}

/**
 * Ctrl-C or SIGTERM during a run: restore the terminal, say what is kept, exit 130/143. The
 * store needs no cleanup (every row has its verified blob; leftovers in tmp/ are gc's).
 */
function onInterrupt(stop: () => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    stop();
    process.stderr.write(
      `error: interrupted (${signal}); every file already verified is kept in the store\n` +
        "hint: run the same command again to finish; `wheelhouse gc` removes partial downloads\n",
    );
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

/**
 * The --index-strategy value; uv's `unsafe-first-match` is refused (it takes an older version
 * from an earlier index over a newer one later on, which none of our tests pins down).
 * @throws WheelhouseError "USAGE_INVALID_OPTION" quoting any other value.
 */
function indexStrategyOf(value: string | undefined): IndexStrategy | undefined {
  if (value === undefined || value === "first-index" || value === "unsafe-best-match") return value;
  throw new WheelhouseError(
    "USAGE_INVALID_OPTION",
    `--index-strategy ${quote(value)} is not one of first-index, unsafe-best-match`,
    {
      hint: "first-index takes each project from the first index that has it (uv's default); unsafe-best-match merges every index (pip's)",
    },
  );
}

/**
 * The --dest folder, absolute: it may not exist yet (it is created), but may not be a file.
 * @throws WheelhouseError "USAGE_INVALID_OPTION" for a path that names a file.
 */
function destOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const dir = resolve(value);
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) {
    throw new WheelhouseError("USAGE_INVALID_OPTION", `--dest ${quote(value)} is not a folder`, {
      hint: "give a folder (it is created when missing)",
    });
  }
  return dir;
}

/** Run `wheelhouse sync`; resolves to the exit code. */
export const run: CommandRun = async (args, options) => {
  const json = options.json === true;
  const env = processEnv();
  const inputs = syncInputsOf(args, options, "sync", "wheelhouse sync 'flask>=3'");
  const concurrency = wholeNumber(options.concurrency ?? "8", "--concurrency");
  const retries = wholeNumber(options.retries ?? "5", "--retries", true);
  const timeoutS = wholeNumber(options.timeout ?? "30", "--timeout");
  const excludeNewer = excludeNewerOf(text(options.excludeNewer));
  const indexStrategy = indexStrategyOf(text(options.indexStrategy));
  const lockPath = text(options.lock);
  const reqPath = text(options.requirementsOut);
  const reportPath = reportOption(text(options.report), json);
  const destDir = destOf(text(options.dest));
  checkOutputs(lockPath, reqPath);
  // Without --target the local interpreter is (nearly always) needed: start it now. A failure
  // is reported where the probe is awaited, if it is.
  const probing =
    strings(options.target).length === 0 || options.buildMetadata === true
      ? probeInterpreter()
      : undefined;
  probing?.catch(() => undefined);
  const {
    sync,
    createDispatcher,
    createHttpClient,
    openStore,
    closeStore,
    attestationIdentities,
    formatBytes,
    plural,
    printJson,
    createSyncProgress,
    copyToDest,
  } = await loadEngine();
  const noIndex = options.index === false || inputs.noIndex;
  const indexUrl =
    text(options.indexUrl) ?? inputs.indexUrl ?? env.WHEELHOUSE_INDEX_URL ?? DEFAULT_INDEX_URL;
  const indexUrls = noIndex
    ? []
    : [indexUrl, ...inputs.extraIndexUrls, ...strings(options.extraIndexUrl)];
  for (const url of indexUrls) {
    let ok = false;
    try {
      ok = ["http:", "https:", "file:"].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new WheelhouseError("USAGE_INVALID_OPTION", `index URL ${quote(url)} is not a URL`, {
        hint: "give the simple index root, e.g. https://pypi.org/simple/ (-i/--index-url, --extra-index-url)",
      });
    }
  }
  const findLinks = [...inputs.findLinks, ...strings(options.findLinks)];
  const targets = await selectTargets(targetFlags(options), async () =>
    interpreterTarget(await (probing ?? probeInterpreter())),
  );
  if (reportPath === "-" && targets.length > 1) {
    throw new WheelhouseError(
      "USAGE_CONFLICT",
      `--report - prints one report, and this run has ${targets.length} targets`,
      { hint: "give --report a file name: one report is written per target" },
    );
  }
  const onlyBinary = binarySet([...inputs.onlyBinary, ...strings(options.onlyBinary)]);
  const noBinary = binarySet([...inputs.noBinary, ...strings(options.binary)]);

  const dispatcher = createDispatcher({
    ...(text(options.proxy) ? { proxy: text(options.proxy) } : {}),
    ...(text(options.cert) ? { cert: text(options.cert) } : {}),
    ...(text(options.clientCert) ? { clientCert: text(options.clientCert) } : {}),
    connections: Math.max(16, concurrency * 2),
  });
  const http = createHttpClient({
    dispatcher,
    retries,
    timeoutMs: timeoutS * 1000,
    userAgent: `wheelhouse/${VERSION}`,
  });
  const storeDir = resolveStoreDir(options);
  const store = await openStore(storeDir);
  const quiet = options.quiet === true;
  const progress = createSyncProgress(process.stderr, quiet);
  const release = onInterrupt(() => progress.stop());
  try {
    const { report, selections, installationReports } = await sync({
      store,
      http,
      indexUrls,
      ...(indexStrategy ? { indexStrategy } : {}),
      findLinks,
      targets,
      requirements: inputs.requirements,
      ...(inputs.locked ? { locked: inputs.locked } : {}),
      policy: {
        constraints: inputs.constraints,
        pre: options.pre === true || inputs.pre,
        preferBinary: options.preferBinary === true || inputs.preferBinary,
        noDeps: options.deps === false,
        hashes: inputs.hashes,
        requireHashes: options.requireHashes === true || inputs.requireHashes,
        ...(onlyBinary ? { onlyBinary } : {}),
        ...(noBinary ? { noBinary } : {}),
        ...(excludeNewer ? { excludeNewer } : {}),
      },
      concurrency,
      dryRun: options.dryRun === true,
      provenance: options.provenance !== false,
      installationReports: reportPath !== undefined,
      ...(options.buildMetadata === true && probing
        ? {
            buildMetadata: await probing.then((info) => ({
              python: info.executable,
              target: interpreterTarget(info),
            })),
          }
        : {}),
      cacheDir: join(storeDir, "cache", "metadata"),
      events: progress,
    });
    progress.stop();
    // A lock or hashed requirements claiming files the store could not get would fail offline,
    // far from the network that could fix it; like pip-compile and uv lock, a failed run leaves
    // those outputs as they were (the report says what failed; a second run writes them).
    const outputs = [lockPath, reqPath].filter((p) => p !== undefined);
    if (report.failed.length > 0 && outputs.length > 0) {
      process.stderr.write(
        `not written: ${outputs.join(", ")} (${plural(report.failed.length, "file")} could not be stored; ` +
          "run the same command again to finish and write them)\n",
      );
    } else {
      await writeOutputs(lockPath, reqPath, targets, selections, json || quiet, {
        identities: (file) =>
          file.sha256 === undefined ? [] : attestationIdentities(store, file.sha256),
        indexes: indexUrls,
      });
    }
    if (reportPath !== undefined && installationReports !== undefined) {
      await writeReports(reportPath, installationReports, selections, json || quiet);
    }
    // pip download -d: the chosen files, also as a flat folder (after a dry run, nothing).
    const dest =
      destDir !== undefined && options.dryRun !== true
        ? { dir: destDir, ...(await copyToDest(store, selections, destDir)) }
        : undefined;
    if (dest && !json && !quiet) {
      process.stderr.write(
        `${dest.dir}: ${plural(dest.copied, "file")} copied, ${dest.kept} already there\n`,
      );
    }
    if (json) printJson({ ...(reportJson(report) as object), ...(dest ? { dest } : {}) });
    else if (!quiet && reportPath !== "-")
      process.stdout.write(`${summaryLines(report, formatBytes, plural).join("\n")}\n`);
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    release();
    progress.stop();
    closeStore(store);
    await http.close();
  }
};
