// `bundle`: resolve requirements against the store for each target and pack the union of the
// chosen files with a pylock.toml, hashed requirements per target, install scripts and a
// manifest into one reproducible, self-verifying tarball.
// Specs: https://packaging.python.org/en/latest/specifications/pylock-toml/ (paths relative to
// the lock file), https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode
// Traps:
// - A requirements line lists every bundled file of that release (all targets' wheels and the
//   sdist), so pip may pick whichever fits the machine and still pass --require-hashes.
// - Build-only packages (what an sdist needs to build) go into wheels/ but not into pylock.toml
//   or the requirements: pip's isolated build finds them through --find-links.
// - Nothing of the machine or the day goes into any document: same store content and inputs,
//   same bytes.

import { quote, WheelhouseError } from "../../pep/errors.js";
import { formatPylock } from "../../pep/pylock.js";
import type { Requirement } from "../../pep/requirement.js";
import { formatTarget, markerEnvironment, type Target } from "../../pep/target.js";
import {
  attestationIdentities,
  findFile,
  provenanceOf,
  type Store,
  type StoredFile,
} from "../../store/index.js";
import { takeDirectReferences, withFragmentHashes } from "../direct-references.js";
import { resolve } from "../resolve/resolve.js";
import type { ResolveOptions } from "../resolve/types.js";
import { yankedWarnings } from "../resolve/yanked-warning.js";
import { buildLock, formatHashedRequirements, lockedSelection } from "../sync/lockfile.js";
import { selectionOf, type TargetSelection } from "../sync/plan.js";
import type { LockedPackage } from "../sync/types.js";
import { installPs1, installSh } from "./install-scripts.js";
import type { ManifestTarget } from "./manifest.js";
import { type Document, type PackReport, packArchive } from "./pack.js";
import { StoreProvider } from "./store-provider.js";

/** Options of {@link bundleFromStore}. */
export interface BundleOptions {
  /** The .tar.gz to write. */
  output: string;
  requirements: Requirement[];
  /**
   * Packages of a pylock.toml given as `-r` (PEP 751): for each target, every listed file of
   * each package whose marker holds is bundled as it is, without resolution; the store must
   * hold each file with the sha256 the lock names.
   */
  locked?: LockedPackage[];
  /** One resolution per target, in this order. */
  targets: Target[];
  /** Resolver policies shared by every target. */
  policy?: Omit<ResolveOptions, "target" | "onProgress" | "buildRequirements">;
  /** The wheelhouse version, recorded in the manifest and pylock.toml. */
  toolVersion: string;
  /** The creation inputs to record (requirement strings, flags); must be reproducible. */
  inputs?: Record<string, unknown>;
  /** Told what the user should know, e.g. a quarantined project's stored files left out. */
  onWarning?: (message: string) => void;
}

/** What {@link bundleFromStore} wrote. */
export interface BundleReport extends PackReport {
  selections: TargetSelection[];
}

/**
 * The requirements file name of a target, from its canonical spec (lower case, PEP 600
 * platform) whatever spelling it was given in: "requirements-cp311-manylinux_2_17_x86_64.txt"
 * for "CP311-manylinux2014_x86_64".
 */
export function requirementsName(target: Target): string {
  return `requirements-${formatTarget(target)}.txt`;
}

/**
 * The targets without repeats, first spelling kept: "cp311-win_amd64" and "CP311-WIN_AMD64"
 * (or manylinux2014 and manylinux_2_17) are one target. A repeat wrote its requirements file
 * twice, which import refuses, or under names a case-insensitive file system merges.
 */
function uniqueTargets(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = formatTarget(t);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Resolve `options.requirements` from `store` for every target (and take `options.locked` as
 * listed) and write the bundle.
 * @throws ResolutionError when a target cannot be resolved from the store (the hint suggests
 *   `--sync`); WheelhouseError "BUNDLE_NO_TARGET", "BUNDLE_FILE_NOT_STORED", "HASH_MISMATCH" (a locked
 *   file stored with another sha256); those of packArchive.
 */
export async function bundleFromStore(store: Store, options: BundleOptions): Promise<BundleReport> {
  if (options.targets.length === 0) {
    throw new WheelhouseError("BUNDLE_NO_TARGET", "a bundle needs at least one target");
  }
  const bundled = uniqueTargets(options.targets);
  const selections: TargetSelection[] = [];
  for (const target of bundled) {
    const started = performance.now();
    const direct = takeDirectReferences(options.requirements, markerEnvironment(target));
    const provider = new StoreProvider(store, direct.files, options.onWarning);
    const hashes = withFragmentHashes(options.policy?.hashes, direct.files);
    const selection: TargetSelection =
      options.requirements.length > 0 || options.locked === undefined
        ? selectionOf(
            await resolve(direct.requirements, provider, {
              ...options.policy,
              ...(hashes !== undefined ? { hashes } : {}),
              target,
              buildRequirements: true,
              sources: "the store: add --sync to fill it from the index first",
            }),
            0,
          )
        : { target: target.spec, packages: [], resolveMs: 0 };
    if (options.locked) selection.packages.push(...lockedSelection(options.locked, target));
    selection.resolveMs = performance.now() - started;
    selections.push(selection);
  }
  for (const message of yankedWarnings(selections.flatMap((s) => s.packages))) {
    options.onWarning?.(message);
  }
  const files = new Map<string, StoredFile>();
  for (const selection of selections) {
    for (const pkg of selection.packages) {
      const stored = findFile(store, pkg.file.filename);
      if (stored === undefined) {
        throw new WheelhouseError(
          "BUNDLE_FILE_NOT_STORED",
          `${quote(pkg.file.filename)} was chosen but is not in the store`,
          options.locked
            ? {
                hint: "fetch the locked files first: wheelhouse sync -r pylock.toml (or add --sync)",
              }
            : {},
        );
      }
      const expected = pkg.file.sha256?.toLowerCase();
      if (expected !== undefined && expected !== stored.sha256) {
        throw new WheelhouseError(
          "HASH_MISMATCH",
          `${quote(pkg.file.filename)} is stored with sha256 ${stored.sha256}, but the lock names ${expected}`,
          {
            hint: "the lock and the store disagree on this file; re-lock, or sync from the lock's index",
          },
        );
      }
      files.set(stored.filename, stored);
    }
  }
  // Every file of a bundle is one of its own (wheels/), whatever named it: none is written as a
  // direct reference's archive.
  for (const selection of selections) {
    for (const pkg of selection.packages) {
      if (pkg.file.direct) {
        const { direct: _, ...file } = pkg.file;
        pkg.file = file;
      }
    }
  }
  const createdBy = "wheelhouse";
  const lock = buildLock(bundled, selections, {
    createdBy,
    identities: (file) =>
      file.sha256 === undefined ? [] : attestationIdentities(store, file.sha256),
  });
  for (const pkg of lock.packages) {
    for (const f of [...(pkg.sdist ? [pkg.sdist] : []), ...(pkg.wheels ?? [])]) {
      delete f.url;
      f.path = `wheels/${f.name}`;
    }
  }
  const targets: (ManifestTarget & { environment: Record<string, string> })[] = bundled.map(
    (target, i) => ({
      spec: target.spec,
      requirements: requirementsName(target),
      packages: new Set(selections[i].packages.filter((p) => !p.buildOnly).map((p) => p.name)).size,
      environment: pick(markerEnvironment(target)),
    }),
  );
  const documents: Document[] = [
    { path: "pylock.toml", text: formatPylock(lock) },
    { path: "install.sh", text: installSh(), mode: 0o755 },
    { path: "install.ps1", text: installPs1() },
    { path: "README.txt", text: readme(targets, files.size) },
    ...bundled.map((target, i) => ({
      path: requirementsName(target),
      text: formatHashedRequirements(selections[i], [
        `# ${target.spec}: written by wheelhouse bundle; install with`,
        `# python -m pip install --no-index --find-links wheels --require-hashes -r ${requirementsName(target)}`,
      ]),
    })),
  ];
  const report = await packArchive(
    store,
    options.output,
    {
      kind: "bundle",
      tool: { name: "wheelhouse", version: options.toolVersion },
      inputs: options.inputs ?? {},
      targets,
    },
    documents,
    [...files.values()],
    [...files.values()].flatMap((f) => {
      const kept = provenanceOf(store, f.sha256);
      return kept === undefined ? [] : [{ filename: f.filename, body: kept.body }];
    }),
  );
  return { ...report, selections };
}

function pick(env: Record<string, string>): Record<string, string> {
  const keys = ["implementation_name", "python_version", "sys_platform", "platform_machine"];
  return Object.fromEntries(keys.map((k) => [k, env[k]]));
}

/** `name==version --hash=sha256:...` for every bundled file of each installed release. */
function readme(targets: ManifestTarget[], files: number): string {
  return [
    "wheelhouse bundle",
    "",
    `${files} distribution files under wheels/ for ${targets.length} target(s):`,
    ...targets.map((t) => `  ${t.spec}: ${t.packages} packages, ${t.requirements}`),
    "",
    "Install without wheelhouse (checks every sha256 first, then runs pip offline):",
    "  sh install.sh                  (POSIX; PYTHON=/path/to/python to choose)",
    "  powershell -File install.ps1   (Windows)",
    "Extra arguments go to pip, e.g. `sh install.sh --target DIR`. Activate a venv first",
    "or set PYTHON to the venv's python to install into it.",
    "",
    "Or load it into a wheelhouse store: wheelhouse import THIS.tar.gz",
    "",
    "manifest.json lists every file with its sha256 and size; pylock.toml (PEP 751) locks the",
    "same set for any installer that reads it.",
    "",
  ].join("\n");
}
