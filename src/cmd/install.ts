// `wheelhouse install [REQ...]`: wiring only; the work is mirror/install. Finds the environment
// (--venv, created when missing; --python; else python3), refuses an externally managed one
// (PEP 668), opens the store unless --no-store, prints progress and a summary, or --json.
// Exit codes: 0 done (or nothing to do), 1 failure (resolution, bad wheel, build), 2 usage.
// Trap: this module and everything it imports must never reach an index client (tested).

import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { FindLinksNetwork } from "../mirror/install/fetch-links.js";
import { EDITABLE_HINT, readRequirementInputs } from "../mirror/install/inputs.js";
import { type InstallEvent, installRequirements } from "../mirror/install/install.js";
import { scriptsOffPath } from "../mirror/install/script-location.js";
import {
  type InterpreterInfo,
  interpreterTarget,
  plannedVenv,
  probeInterpreter,
} from "../mirror/interpreter.js";
import { prefixScheme, rootScheme, targetScheme, userScheme } from "../mirror/schemes.js";
import { binarySet } from "../mirror/sync/inputs.js";
import { lockedSelection } from "../mirror/sync/lockfile.js";
import type { LockedPackage } from "../mirror/sync/types.js";
import { quote, WheelhouseError } from "../pep/errors.js";
import { parseRequirement, type Requirement } from "../pep/requirement.js";
import { pyprojectOptions, strings, text, wholeNumber } from "./option-values.js";
import { reportOption, writeReport } from "./output-file.js";
import type { CommandRun } from "./program.js";
import { existingStoreDir, resolveStoreDir } from "./store-dir.js";
import { VERSION } from "./version.js";

const execFileAsync = promisify(execFile);

/**
 * The interpreter install answers for: --venv's (created when missing), --python's, or python3's.
 * `writesElsewhere` (--target, --prefix, --root): the environment itself is not written to.
 * @throws WheelhouseError "EXTERNALLY_MANAGED" (PEP 668) unless `writesElsewhere` or
 *   --break-system-packages; "VENV_CREATE_FAILED"; the probe's errors.
 */
async function environment(
  options: Record<string, unknown>,
  writesElsewhere: boolean,
): Promise<InterpreterInfo> {
  if (typeof options.venv === "string") {
    const dir = resolve(options.venv);
    const python =
      process.platform === "win32"
        ? join(dir, "Scripts", "python.exe")
        : join(dir, "bin", "python");
    if (!existsSync(python)) {
      const base = typeof options.python === "string" ? options.python : "python3";
      // A dry run changes nothing: answer for the venv as it would be, from its base.
      if (options.dryRun === true) return plannedVenv(await probeInterpreter(base), dir);
      await execFileAsync(base, ["-m", "venv", dir]).catch((cause) => {
        throw new WheelhouseError(
          "VENV_CREATE_FAILED",
          `could not create a venv in ${quote(dir)} with ${quote(base)}`,
          {
            cause,
            // venv's own complaint (a file in the way, no ensurepip, ...) is the useful part.
            hint:
              String((cause as { stderr?: string }).stderr ?? "")
                .trim()
                .split("\n")
                .pop() || undefined,
          },
        );
      });
    }
    return probeInterpreter(python);
  }
  const info = await probeInterpreter(
    typeof options.python === "string" ? options.python : "python3",
  );
  // PEP 668 covers --user installs too (pip refuses them the same way); --target, --prefix and
  // --root write elsewhere, and pip skips the check for them, as for --break-system-packages.
  if (info.externallyManaged && !writesElsewhere && options.breakSystemPackages !== true) {
    throw new WheelhouseError(
      "EXTERNALLY_MANAGED",
      `the environment of ${quote(info.executable)} is externally managed (PEP 668)` +
        (info.externallyManagedMessage ? `: ${info.externallyManagedMessage}` : ""),
      {
        hint:
          "install into a virtual environment instead (--venv DIR), or use your distribution's packages; " +
          "see PEP 668 for the detailed specification",
      },
    );
  }
  return info;
}

/**
 * A pylock.toml as an install request (PEP 751): the packages whose marker holds for this
 * interpreter (lock-file marker context), each pinned to its version with the sha256 of its
 * listed files; nothing else is resolved (the lock is complete: no dependencies are added). The
 * folders of files given by `path` (a bundle's wheels/) become find-links sources.
 */
function lockRequest(locked: LockedPackage[], info: InterpreterInfo) {
  const requirements: Requirement[] = [];
  const hashes = new Map<string, Set<string>>();
  const findLinks = new Set<string>();
  const seen = new Set<string>();
  for (const pkg of lockedSelection(locked, interpreterTarget(info))) {
    if (!seen.has(pkg.name)) {
      seen.add(pkg.name);
      requirements.push(parseRequirement(pkg.version ? `${pkg.name}==${pkg.version}` : pkg.name));
    }
    const set = hashes.get(pkg.name) ?? new Set<string>();
    if (pkg.file.sha256) set.add(pkg.file.sha256.toLowerCase());
    hashes.set(pkg.name, set);
    if (pkg.file.url.startsWith("file:")) findLinks.add(dirname(fileURLToPath(pkg.file.url)));
  }
  return { requirements, hashes, findLinks: [...findLinks] };
}

/** Run `wheelhouse install`; resolves to the exit code. */
export const run: CommandRun = async (args, options) => {
  const json = options.json === true;
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
  refuseEditables(list(options.editable));
  const inputs = readRequirementInputs(
    args,
    list(options.requirement),
    list(options.constraint),
    pyprojectOptions(options),
  );
  for (const warning of inputs.warnings) process.stderr.write(`warning: ${warning}\n`);
  const asked = inputs.requirements.length + inputs.sourceTrees.length;
  if (asked === 0 && inputs.locked === undefined) {
    throw new WheelhouseError(
      "USAGE_NO_REQUIREMENTS",
      "nothing to install: give requirements or -r FILE",
    );
  }
  if (inputs.locked !== undefined && asked > 0) {
    throw new WheelhouseError(
      "USAGE_LOCK_WITH_REQUIREMENTS",
      "a pylock.toml is complete: it cannot be combined with other requirements",
      {
        hint: "install the lock alone, or lock the other requirements with it (wheelhouse sync --lock)",
      },
    );
  }
  // Every option is checked before anything changes on disk (the venv, a store).
  refuseIndexes(options);
  const reportPath = reportOption(text(options.report), json);
  const { where, root } = placement(options);
  const strategy = upgradeStrategy(options.upgradeStrategy);
  const network = networkOptions(options);
  // A --store given by name must exist (a typo would otherwise make an empty store and report
  // "no matching distribution"); the default store is used only when it exists.
  const storeDir =
    options.store === false
      ? undefined
      : typeof options.store === "string"
        ? existingStoreDir(options)
        : resolveStoreDir(options);
  const useStore = storeDir !== undefined && existsSync(storeDir);
  const base = await environment(
    options,
    root !== undefined || (where !== undefined && where.option !== "--user"),
  );
  const placed =
    where?.option === "--user"
      ? await userScheme(base)
      : where?.option === "--prefix"
        ? await prefixScheme(base, where.dir)
        : where?.option === "--target"
          ? targetScheme(base, where.dir)
          : base;
  const info = root !== undefined ? rootScheme(placed, root) : placed;
  // Under --user, the interpreter's own site-packages stay where they are, behind the user site;
  // a --target or --prefix directory is an environment of its own (as in uv).
  const shadowedSites =
    where?.option === "--user" ? [base.paths.purelib, base.paths.platlib] : undefined;
  const fromLock = inputs.locked ? lockRequest(inputs.locked, info) : undefined;
  // Imported only when used: loading the SQLite binding costs start-up time.
  const stores = useStore ? await import("../store/store.js") : undefined;
  const store =
    stores && storeDir ? await stores.openStore(storeDir, { mayBeReadOnly: true }) : undefined;
  const tty = process.stderr.isTTY && !json && options.progressBar !== "off";
  const quiet = options.quiet === true;
  const say = (line: string) => {
    if (!json && !quiet) process.stderr.write(`${line}\n`);
  };
  const onEvent = (e: InstallEvent) => {
    if (e.kind === "resolved")
      say(`resolved: ${e.install} to install, ${e.keep} already installed`);
    else if (e.kind === "built") say(`built ${e.filename}`);
    else if (e.kind === "removed") say(`removed ${e.name} ${e.version}`);
    else if (e.kind === "installed" && (tty || options.verbose === true)) {
      say(`installed ${e.name} ${e.version}`);
    }
    // Warnings reach stderr even with --json (stdout stays the report), as pip's do.
    else if (e.kind === "warning") process.stderr.write(`warning: ${e.message}\n`);
  };
  try {
    const report = await installRequirements({
      ...inputs,
      ...(fromLock ? { requirements: fromLock.requirements, hashes: fromLock.hashes } : {}),
      interpreter: info,
      ...(shadowedSites ? { shadowedSites } : {}),
      store,
      findLinks: [...list(options.findLinks), ...inputs.findLinks, ...(fromLock?.findLinks ?? [])],
      requireHashes:
        options.requireHashes === true || inputs.requireHashes || fromLock !== undefined,
      noDeps: options.deps === false || fromLock !== undefined,
      upgrade: options.upgrade === true,
      upgradeStrategy: strategy,
      // pip's -I overwrites what is installed; replacing it by its RECORD is the clean form.
      forceReinstall: options.forceReinstall === true || options.ignoreInstalled === true,
      compile: options.compile === true,
      dryRun: options.dryRun === true,
      pre: options.pre === true || inputs.pre,
      onlyBinary: binarySet([...inputs.onlyBinary, ...list(options.onlyBinary)]),
      noBinary: binarySet([...inputs.noBinary, ...list(options.binary)]),
      preferBinary: options.preferBinary === true || inputs.preferBinary,
      ignoreRequiresPython: options.ignoreRequiresPython === true,
      pipBuildOptions: pipBuildOptions(options),
      network,
      onEvent,
      ...(reportPath !== undefined
        ? {
            onReport: async (installation: unknown) => {
              if (await writeReport(reportPath, installation, "nothing was installed yet")) {
                say(`wrote ${reportPath}`);
              }
            },
          }
        : {}),
    });
    // pip does not warn for --target: its bin/ is the caller's to place.
    if (options.warnScriptLocation !== false && where?.option !== "--target") {
      warnScriptsOffPath(report.scripts, info);
    }
    if (json) {
      const { printJson } = await import("./store-output.js");
      printJson(report);
    } else if (!quiet && reportPath !== "-") {
      const verb = report.dryRun ? "would install" : "installed";
      for (const p of report.installed) process.stdout.write(`${verb} ${p.name} ${p.version}\n`);
      process.stdout.write(
        `${report.installed.length} ${verb}, ${report.kept.length} kept, ${report.removed.length} ` +
          `${report.dryRun ? "would be removed" : "removed"}` +
          `${report.compiled ? `, ${report.compiled} compiled` : ""} in ${report.seconds.toFixed(2)}s (${report.environment})\n`,
      );
    }
    return 0;
  } finally {
    if (store) stores?.closeStore(store);
  }
};

/**
 * How find-links URLs are reached: pip's --retries, --timeout (whole seconds), --proxy, --cert
 * and --client-cert. The files and the proxy are checked at the first URL, as sync checks them
 * ("INVALID_OPTION"); an install from folders only never reads them, as pip does not.
 * @throws WheelhouseError "USAGE_INVALID_OPTION" for --retries or --timeout.
 */
function networkOptions(options: Record<string, unknown>): FindLinksNetwork {
  const cert = text(options.cert);
  const clientCert = text(options.clientCert);
  const proxy = text(options.proxy);
  return {
    retries: wholeNumber(options.retries ?? "5", "--retries", true),
    timeoutMs: wholeNumber(options.timeout ?? "30", "--timeout") * 1000,
    userAgent: `wheelhouse/${VERSION}`,
    ...(proxy ? { proxy } : {}),
    ...(cert ? { cert } : {}),
    ...(clientCert ? { clientCert } : {}),
  };
}

/** pip's warning for scripts written to a directory not on PATH (not the interpreter's own). */
function warnScriptsOffPath(scripts: string[], info: InterpreterInfo): void {
  const off = scriptsOffPath(scripts, process.env.PATH, dirname(info.executable), delimiter);
  for (const { dir, names } of off) {
    const one = names.length === 1;
    process.stderr.write(
      `warning: ${names.join(", ")} ${one ? "was" : "were"} installed in ${quote(dir)}, ` +
        `which is not on PATH: add it to PATH to run ${one ? "it" : "them"} by name ` +
        "(--no-warn-script-location turns this off)\n",
    );
  }
}

/** Where an install goes instead of the environment itself (see placement()). */
type Where = { option: "--user" } | { option: "--target" | "--prefix"; dir: string };

/**
 * Where the install goes other than the environment itself: --user, --target DIR or --prefix
 * DIR (pip's options; at most one, and never with --venv, which names the environment), and
 * --root DIR, under which any of them but --target is moved.
 * @throws WheelhouseError "USAGE_INVALID_OPTION" (exit 2) for a combination, or a DIR that
 *   exists and is not a directory.
 */
function placement(options: Record<string, unknown>): { where?: Where; root?: string } {
  const root = text(options.root);
  if (root !== undefined) directoryOrAbsent("--root", root);
  const where = placeWithin(options);
  if (root !== undefined && where?.option === "--target") {
    throw new WheelhouseError("USAGE_INVALID_OPTION", "--target cannot be combined with --root", {
      hint: "--target names the one directory everything goes to: give it the path under the root",
    });
  }
  return { ...(where ? { where } : {}), ...(root !== undefined ? { root } : {}) };
}

function placeWithin(options: Record<string, unknown>): Where | undefined {
  const target = text(options.target);
  const prefix = text(options.prefix);
  const given = [
    ...(options.user === true ? ["--user"] : []),
    ...(target !== undefined ? ["--target"] : []),
    ...(prefix !== undefined ? ["--prefix"] : []),
  ];
  if (given.length > 1) {
    throw new WheelhouseError(
      "USAGE_INVALID_OPTION",
      `${given[0]} cannot be combined with ${given[1]}`,
      { hint: "each names where the install goes: give one of --user, --target, --prefix" },
    );
  }
  if (given.length === 1 && typeof options.venv === "string") {
    throw new WheelhouseError(
      "USAGE_INVALID_OPTION",
      `${given[0]} cannot be combined with --venv`,
      {
        hint:
          given[0] === "--user"
            ? "a venv has no user site: drop --user to install into the venv, or give --python"
            : `drop --venv: ${given[0]} installs for the interpreter of --python (python3 by default)`,
      },
    );
  }
  const dir = target ?? prefix;
  if (dir !== undefined) {
    const option = target !== undefined ? "--target" : "--prefix";
    directoryOrAbsent(option, dir);
    return { option, dir };
  }
  return options.user === true ? { option: "--user" } : undefined;
}

/**
 * `dir`, given to `option`, is a directory or does not exist yet (it is created then).
 * @throws WheelhouseError "USAGE_INVALID_OPTION" (exit 2) when it is something else.
 */
function directoryOrAbsent(option: string, dir: string): void {
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) {
    throw new WheelhouseError(
      "USAGE_INVALID_OPTION",
      `${option} ${quote(dir)} exists and is not a directory`,
      { hint: `give ${option} a directory (it is created when missing)` },
    );
  }
}

/** pip's build options the user gave, for `pip wheel` when an sdist or a source tree is built. */
function pipBuildOptions(options: Record<string, unknown>): string[] {
  return [
    ...(options.buildIsolation === false ? ["--no-build-isolation"] : []),
    ...(options.usePep517 === true ? ["--use-pep517"] : []),
    ...(options.checkBuildDependencies === true ? ["--check-build-dependencies"] : []),
  ];
}

/**
 * `-e DIR` (pip's editable install, PEP 660) is refused: install builds a source tree into a
 * wheel and installs that copy (`wheelhouse install DIR`).
 * @throws WheelhouseError "EDITABLE_NOT_SUPPORTED" quoting the first one.
 */
function refuseEditables(editables: string[]): void {
  if (editables.length === 0) return;
  throw new WheelhouseError(
    "EDITABLE_NOT_SUPPORTED",
    `editable installs (-e) are not supported: ${quote(`-e ${editables[0]}`)}`,
    { hint: EDITABLE_HINT },
  );
}

/**
 * pip's command lines work unchanged: `--no-index` is taken (install never reads an index
 * anyway), and an index URL is refused with what to do instead, not taken as a source.
 * @throws WheelhouseError "USAGE_INDEX_REFUSED" (exit 2).
 */
function refuseIndexes(options: Record<string, unknown>): void {
  const urls = [text(options.indexUrl), ...strings(options.extraIndexUrl)].filter(
    (u): u is string => u !== undefined,
  );
  if (urls.length === 0) return;
  throw new WheelhouseError(
    "USAGE_INDEX_REFUSED",
    `install never reads an index, so ${quote(urls[0])} (--index-url / --extra-index-url) is refused`,
    {
      hint: "fill the store from it first (wheelhouse sync -i URL ...), or give a page of links with --find-links URL",
    },
  );
}

function upgradeStrategy(value: unknown): "only-if-needed" | "eager" {
  if (value === undefined || value === "only-if-needed") return "only-if-needed";
  if (value === "eager") return "eager";
  throw new WheelhouseError(
    "USAGE_INVALID_UPGRADE_STRATEGY",
    `--upgrade-strategy ${quote(String(value))} is not a strategy`,
    { hint: "use only-if-needed (the default) or eager, as in pip" },
  );
}
