// installRequirements(): requirements -> Target of the interpreter -> source trees built into
// wheels -> resolve over the store and find-links only -> plan against what is installed ->
// build sdists offline -> stage every wheel (checked against RECORD) -> remove replaced
// versions -> commit -> compile -> dist-info.
// Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// https://packaging.python.org/en/latest/specifications/recording-installed-packages/
// Traps:
// - Every wheel is staged before anything in the environment changes: a bad wheel anywhere
//   leaves the environment exactly as it was (all temp files and new directories removed).
// - The old version of an upgraded project is removed only after its replacement is staged.
// - Byte-compiling (./compile-pyc.ts) comes after the commit; a file that does not compile is no
//   error, as in pip.
// - A project built from a source tree is installed again even when the same version is
//   installed (pip reinstalls "a local sdist or path": the tree may have changed, not its version).

import { statSync } from "node:fs";
import { mkdtemp, rm, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseWheelFilename } from "../../pep/filename.js";
import { canonicalizeName } from "../../pep/names.js";
import type { Requirement } from "../../pep/requirement.js";
import { markerEnvironment, supportedTags } from "../../pep/target.js";
import type { Store } from "../../store/store.js";
import { type DirectFile, takeDirectReferences, withFragmentHashes } from "../direct-references.js";
import type { InstallationReport } from "../installation-report.js";
import { type InterpreterInfo, interpreterTarget } from "../interpreter.js";
import { resolve } from "../resolve/resolve.js";
import type { ResolvedPackage } from "../resolve/types.js";
import { yankedWarnings } from "../resolve/yanked-warning.js";
import { buildFindLinks } from "./build-find-links.js";
import { type BuiltSourceTrees, withSourceTrees } from "./build-source-trees.js";
import { compilePyc } from "./compile-pyc.js";
import { EarlyStaging } from "./early-staging.js";
import type { FindLinksNetwork } from "./fetch-links.js";
import { FileWriter } from "./file-writer.js";
import { directUrlsOf, reportOf } from "./install-origins.js";
import { findInstalled, type InstalledDistribution, removeInstalled } from "./installed.js";
import { checkHash, SdistBuilds } from "./sdist-builds.js";
import type { SourceTree } from "./source-trees.js";
import { LocalProvider } from "./sources.js";
import { type Scheme, type StagedWheel, type StageOptions, stageWheel } from "./unpack.js";
import type { OpenWheel } from "./wheel-zip.js";

/** What to install, where from, and how. */
export interface InstallRequest {
  requirements: Requirement[];
  /**
   * Requirements that name a source tree (./source-trees.ts): each is built into a wheel with
   * the interpreter's pip first, and that wheel stands for its project. A requirement of
   * `requirements` whose `url` names a directory is taken as one too.
   */
  sourceTrees?: SourceTree[];
  constraints?: Requirement[];
  interpreter: InterpreterInfo;
  /**
   * Site dirs behind the interpreter's (its own site-packages, under `--user`): what is
   * installed there counts as installed (kept when it satisfies) but is never removed; what
   * replaces it goes into the interpreter's paths, ahead of it on sys.path, as pip does.
   */
  shadowedSites?: string[];
  store?: Store;
  findLinks: string[];
  /** How find-links URLs are reached (pip's --proxy, --cert, --client-cert, --retries, --timeout). */
  network?: FindLinksNetwork;
  /** Canonical name -> allowed sha256 (hex). */
  hashes?: Map<string, Set<string>>;
  requireHashes?: boolean;
  noDeps?: boolean;
  /** `--upgrade`: the requested projects to their newest release. */
  upgrade?: boolean;
  /**
   * pip's `--upgrade-strategy`: "only-if-needed" (default) upgrades a dependency only when the
   * installed release no longer satisfies; "eager" upgrades every dependency too.
   */
  upgradeStrategy?: "only-if-needed" | "eager";
  forceReinstall?: boolean;
  compile?: boolean;
  dryRun?: boolean;
  pre?: boolean;
  onlyBinary?: ":all:" | Set<string>;
  /** `--no-binary`: sdists only (built offline) for these canonical names, or ":all:". */
  noBinary?: ":all:" | Set<string>;
  /** `--prefer-binary`: an older release with a wheel beats a newer sdist-only one. */
  preferBinary?: boolean;
  /** `--ignore-requires-python`: Requires-Python is not checked. */
  ignoreRequiresPython?: boolean;
  /**
   * pip's options for the offline builds of sdists and source trees (`--no-build-isolation`,
   * `--use-pep517`, `--check-build-dependencies`), passed to `pip wheel` as given.
   */
  pipBuildOptions?: string[];
  /** Told about each step (for progress output). */
  onEvent?: (event: InstallEvent) => void;
  /**
   * Given pip's installation report of what is to be installed, once resolution is done and
   * before anything changes (`--report`; also with dryRun).
   */
  onReport?: (report: InstallationReport) => Promise<void>;
}

/** Progress events. */
export type InstallEvent =
  | { kind: "resolved"; install: number; keep: number }
  | { kind: "built"; filename: string }
  | { kind: "staged"; filename: string }
  | { kind: "removed"; name: string; version: string }
  | { kind: "installed"; name: string; version: string }
  /** Something pip warns about (a wheel of a newer Wheel-Version minor); the install goes on. */
  | { kind: "warning"; message: string };

/** One distribution in a report. */
export interface ReportedDistribution {
  name: string;
  version: string;
  filename?: string;
  source?: string;
}

/** What install did (or would do, with dryRun). */
export interface InstallReport {
  dryRun: boolean;
  environment: string;
  installed: ReportedDistribution[];
  kept: ReportedDistribution[];
  removed: ReportedDistribution[];
  /** Files compiled to .pyc (with compile). */
  compiled: number;
  /** Absolute paths of the files installed in the scripts directory (launchers, .data/scripts). */
  scripts: string[];
  /** Wall time, seconds. */
  seconds: number;
}

/**
 * Install `request.requirements` into the environment of `request.interpreter`.
 * @throws ResolutionError (nothing fits / conflicts), WheelhouseError from staging (bad wheel,
 *   named), "WHEEL_UNSUPPORTED" (tags wanted and found), "HASH_MISMATCH", build errors (of
 *   sdists and source trees), "HASH_UNVERIFIABLE" (a source tree with hash-checking on). On any
 *   throw the environment is unchanged, unless the failure came while committing renames.
 */
export async function installRequirements(given: InstallRequest): Promise<InstallReport> {
  const started = performance.now();
  const info = given.interpreter;
  const target = interpreterTarget(info);
  const environment = markerEnvironment(target);
  const tmp = await mkdtemp(join(tmpdir(), "wheelhouse-install-"));
  const findLinks = buildFindLinks(given.findLinks, given.store, tmp);
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(given, environment, tmp, findLinks);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const { trees, asked, direct, request, own, present } = prepared;
  const writer = request.dryRun ? undefined : new FileWriter();
  // Wheels are staged as the resolver reads them. Where hashes are checked, only those whose
  // bytes are held in memory since they were hashed: the bytes installed must be the bytes hashed.
  const hashing = request.requireHashes || (request.hashes?.size ?? 0) > 0;
  const early =
    writer === undefined
      ? undefined
      : new EarlyStaging((path, filename, onWarning) => {
          checkTags(filename, info);
          const opened = provider.takeOpenWheel(path);
          return stageWheel(path, filename, stageOptions(request, writer, onWarning, opened));
        });
  const provider: LocalProvider = new LocalProvider({
    store: request.store,
    findLinks: request.findLinks,
    directFiles: direct.files,
    ...(request.network ? { network: request.network } : {}),
    installed: request.forceReinstall ? [] : present,
    hashLocalFiles: hashing,
    downloadDir: tmp,
    noDeps: request.noDeps,
    // Once something not installed is looked at, a writer thread boots (about 20 ms of CPU) on
    // the other core and the wheel is staged while the resolver goes on; an install with nothing
    // to do never starts one.
    onCandidateRead: (file, path) => {
      writer?.warm();
      if (early === undefined || path === undefined || !file.filename.endsWith(".whl")) return;
      if (!hashing || provider.heldDigest(path) !== undefined) early.start(path, file.filename);
    },
    buildSdist: (project, file) => builds.wheel(project, file),
    onWarning: (message) => request.onEvent?.({ kind: "warning", message }),
  });
  const builds: SdistBuilds = new SdistBuilds(request, provider, tmp, findLinks);
  try {
    const resolution = await resolve(direct.requirements, provider, {
      sources: "the store, filled by wheelhouse sync; --find-links",
      target,
      noDeps: request.noDeps === true,
      constraints: request.constraints,
      hashes: request.hashes,
      requireHashes: request.requireHashes,
      installed: request.forceReinstall ? undefined : keptVersions(request, present),
      upgrade: request.upgrade === true && request.upgradeStrategy === "eager",
      pre: request.pre,
      onlyBinary: request.onlyBinary,
      noBinary: request.noBinary,
      preferBinary: request.preferBinary,
      ignoreRequiresPython: request.ignoreRequiresPython,
    });
    const packages = resolution.packages.filter((p) => !p.buildOnly);
    const toInstall = packages.filter((p) => p.file.source !== "installed");
    const kept = packages.filter((p) => p.file.source === "installed");
    const byName = new Map<string, InstalledDistribution>(own.map((d) => [d.name, d]));
    const replaced = toInstall.flatMap((p) => (byName.has(p.name) ? [byName.get(p.name)!] : []));
    request.onEvent?.({ kind: "resolved", install: toInstall.length, keep: kept.length });
    for (const message of yankedWarnings(toInstall)) {
      request.onEvent?.({ kind: "warning", message });
    }
    if (request.onReport) {
      await request.onReport(await reportOf(asked, provider, toInstall, direct.files, trees));
    }
    const report: InstallReport = {
      dryRun: request.dryRun === true,
      environment: info.prefix,
      installed: toInstall.map((p) => ({
        name: p.displayName,
        version: p.version,
        filename: p.file.filename,
        // A source tree's wheel was built in a temp dir: the tree is where it came from.
        source: trees.dirs.get(p.name)?.path ?? p.file.source,
      })),
      kept: kept.map((p) => ({ name: p.displayName, version: p.version })),
      removed: replaced.map((d) => ({ name: d.displayName, version: d.version })),
      compiled: 0,
      scripts: [],
      seconds: 0,
    };
    if (!request.dryRun && toInstall.length > 0) {
      const applied = await apply(
        request,
        provider,
        toInstall,
        replaced,
        builds,
        writer!,
        early,
        direct.files,
        trees,
      );
      report.compiled = applied.compiled;
      report.scripts = applied.scripts;
    }
    report.seconds = (performance.now() - started) / 1000;
    return report;
  } finally {
    // apply() discards the early stagings it did not take and stops the writers once staging is
    // done; this covers a failure before that. Both are no-ops the second time.
    await early?.discardRest();
    await provider.close();
    await writer?.close();
    // Mostly empty (nothing downloaded or built): one rmdir, without loading Node's recursive rm.
    await rmdir(tmp).catch(() => rm(tmp, { recursive: true, force: true }));
  }
}

/**
 * What the install starts from: `given` with its source trees built (`asked`), the direct
 * references taken out of it, the request with their URLs' hashes, and what is installed
 * (`own`: in the interpreter's paths; `present`: with the shadowed sites, less the projects a
 * source tree builds, which are installed again as pip does).
 * @throws build-source-trees.ts's and direct-references.ts's errors.
 */
async function prepare(
  given: InstallRequest,
  environment: Record<string, string>,
  tmp: string,
  findLinks: () => Promise<string[]>,
) {
  const info = given.interpreter;
  const { trees, asked } = await withSourceTrees(given, environment, tmp, findLinks);
  const direct = takeDirectReferences(asked.requirements, environment);
  // A URL's #sha256= is checked as its project's --hash is.
  const hashes = withFragmentHashes(asked.hashes, direct.files);
  const request: InstallRequest = hashes === undefined ? asked : { ...asked, hashes };
  const own = await findInstalled([info.paths.purelib, info.paths.platlib]);
  const ownNames = new Set(own.map((d) => d.name));
  const behind = request.shadowedSites ? await findInstalled(request.shadowedSites) : [];
  const present = [...own, ...behind.filter((d) => !ownNames.has(d.name))].filter(
    (d) => !trees.dirs.has(d.name),
  );
  return { trees, asked, direct, request, own, present };
}

async function apply(
  request: InstallRequest,
  provider: LocalProvider,
  toInstall: ResolvedPackage[],
  replaced: InstalledDistribution[],
  builds: SdistBuilds,
  writer: FileWriter,
  early: EarlyStaging | undefined,
  directFiles: Map<string, DirectFile>,
  trees: BuiltSourceTrees,
): Promise<{ compiled: number; scripts: string[] }> {
  const info = request.interpreter;
  // PEP 610: what was installed from a file named by a requirement, or built from a source
  // tree, says so (./install-origins.ts).
  const directUrls = directUrlsOf(toInstall, directFiles, trees);
  const scheme = schemeOf(info);
  const requested = new Set(
    request.requirements.map((r) => r.name.toLowerCase().replace(/[-_.]+/g, "-")),
  );
  const wheels = await mapLimit(toInstall, 4, (p) => wheelFor(request, provider, p, builds));
  // Biggest first, so that the writer threads end together instead of one finishing a big wheel
  // alone after the rest are done (longest-processing-time-first order).
  const bytes = new Map(wheels.map((w) => [w, statSync(w.path).size]));
  wheels.sort((a, b) => bytes.get(b)! - bytes.get(a)!);
  const staged: StagedWheel[] = [];
  try {
    const onWarning = (message: string) => request.onEvent?.({ kind: "warning", message });
    await mapLimit(wheels, 6, async (w) => {
      const s = await (early?.take(w.path, onWarning) ??
        stageWheel(
          w.path,
          w.filename,
          stageOptions(request, writer, onWarning, provider.takeOpenWheel(w.path)),
        ));
      staged.push(s);
      request.onEvent?.({ kind: "staged", filename: w.filename });
    });
  } catch (error) {
    await Promise.all(staged.map((s) => s.discard()));
    throw error;
  } finally {
    // The wheels staged early and not chosen go (after the chosen ones on failure: a scheme
    // directory one of them made may hold another's staging directory).
    await early?.discardRest();
    await writer.close();
  }
  let committed = 0;
  try {
    for (const old of replaced) {
      await removeInstalled(old, info.prefix, Object.values(scheme));
      request.onEvent?.({ kind: "removed", name: old.name, version: old.version });
    }
    for (const s of staged) {
      await s.commit();
      committed++;
    }
  } catch (error) {
    // Past the point of no return (old versions going, new ones moving in): what is still
    // staged is removed so no temp directories stay behind, and the error says where it stopped.
    await Promise.all(staged.slice(committed).map((s) => s.discard().catch(() => undefined)));
    throw new WheelhouseError(
      "INSTALL_INTERRUPTED",
      `the environment changed part-way: ${committed} of ${staged.length} wheels were moved in ` +
        `when this failed: ${(error as Error).message}`,
      {
        cause: error,
        hint: "fix the cause, then run the same install again (with --force-reinstall if needed)",
      },
    );
  }
  const pycs = request.compile
    ? await compilePyc(
        info,
        staged.flatMap((s) => s.pyFiles),
      )
    : new Map<string, string>();
  // Each wheel's dist-info is its own few files and one rename: written 16 wheels at a time.
  await mapLimit(staged, 16, async (s) => {
    const extra = s.pyFiles.flatMap((f) => (pycs.has(f) ? [pycs.get(f)!] : []));
    await s.finish({ requested: requested.has(s.name), extra, directUrl: directUrls.get(s.name) });
    request.onEvent?.({ kind: "installed", name: s.name, version: s.version });
  });
  return { compiled: pycs.size, scripts: staged.flatMap((s) => s.scripts).sort() };
}

/** How a wheel is staged in this install (`opened`: the wheel as the resolver read it). */
function stageOptions(
  request: InstallRequest,
  writer: FileWriter,
  onWarning: (message: string) => void,
  opened: OpenWheel | undefined,
): StageOptions {
  const info = request.interpreter;
  return {
    scheme: schemeOf(info),
    python: info.executable,
    pythonVersion: info.version,
    writer,
    opened,
    onWarning,
  };
}

/** The local wheel for a resolved package: checked against --hash, built when an sdist. */
async function wheelFor(
  request: InstallRequest,
  provider: LocalProvider,
  p: ResolvedPackage,
  builds: SdistBuilds,
): Promise<{ path: string; filename: string }> {
  if (!p.file.filename.endsWith(".whl")) return builds.wheel(p.name, p.file);
  const path = await provider.localPath(p.file);
  await checkHash(request, p.name, p.file.filename, path, provider.heldDigest(path));
  checkTags(p.file.filename, request.interpreter);
  return { path, filename: p.file.filename };
}

/** The tags an interpreter supports, worked out once per install (hundreds of tags). */
const wantedTags = new WeakMap<InterpreterInfo, { list: string[]; set: Set<string> }>();

/** A wheel the resolver chose must still fit the interpreter; say what was wanted and found. */
export function checkTags(filename: string, info: InterpreterInfo): void {
  const wheel = parseWheelFilename(filename);
  let wanted = wantedTags.get(info);
  if (wanted === undefined) {
    const list = supportedTags(interpreterTarget(info));
    wanted = { list, set: new Set(list) };
    wantedTags.set(info, wanted);
  }
  const { list, set } = wanted;
  if (wheel.tags.some((t) => set.has(t))) return;
  throw new WheelhouseError(
    "WHEEL_UNSUPPORTED",
    `wheel ${quote(filename)} does not install on this interpreter: it has tags ${wheel.tags.join(", ")}; ` +
      `wanted one of ${list.slice(0, 5).join(", ")} ... (${list.length} tags)`,
    { hint: "get the wheel built for this platform (`wheelhouse sync --target ...`)" },
  );
}

function schemeOf(info: InterpreterInfo): Scheme {
  const [major, minor] = info.version;
  const headers = info.isVenv
    ? join(info.prefix, "include", "site", `python${major}.${minor}`)
    : info.paths.include;
  return {
    purelib: info.paths.purelib,
    platlib: info.paths.platlib,
    scripts: info.paths.scripts,
    data: info.paths.data,
    headers,
  };
}

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
  return results;
}

/**
 * The installed releases the resolver should prefer to keep: all of them, except, with
 * `--upgrade` (only-if-needed, pip's default), the projects the user asked for.
 */
function keptVersions(
  request: InstallRequest,
  present: InstalledDistribution[],
): Map<string, string> {
  const upgraded = new Set(
    request.upgrade ? request.requirements.map((r) => canonicalizeName(r.name)) : [],
  );
  return new Map(present.filter((d) => !upgraded.has(d.name)).map((d) => [d.name, d.version]));
}
