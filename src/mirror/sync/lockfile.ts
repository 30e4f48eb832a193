// The outputs of a sync that other tools read: a PEP 751 pylock.toml covering every target, and
// hashed requirements (pip's `--hash=sha256:` lines) per target; and the reverse, the packages a
// pylock.toml given as `-r` pins.
// Specs: https://packaging.python.org/en/latest/specifications/pylock-toml/
// https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode
// Traps:
// - One lock serves every target: a package version chosen by every target carries no marker;
//   one chosen by some targets only carries the OR of those targets' environment markers, so two
//   entries of the same name never both apply (as the spec demands) unless two targets share a
//   marker environment (e.g. two manylinux levels of one Python and machine).
// - `environments` lists each target's marker, so installers refuse an environment the lock was
//   not made for.
// - Packages needed only to build sdists are left out of both outputs: installers never install
//   them, and pip builds in an isolated environment that does not check hashes.
// - A lock given as input is checked against each target first (PEP 751: installers must check
//   `environments` and `requires-python`): files of a lock made for another environment would
//   be mirrored for nothing, or installed where they do not belong.

import { dirname, extname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseDistributionFilename } from "../../pep/filename.js";
import { evaluateMarker } from "../../pep/marker.js";
import { canonicalizeName } from "../../pep/names.js";
import type { Pylock, PylockArchive, PylockFile, PylockPackage } from "../../pep/pylock.js";
import { specifierContains } from "../../pep/specifier.js";
import { markerEnvironment, type Target } from "../../pep/target.js";
import type { CandidateFile } from "../resolve/provider.js";
import type { TargetSelection } from "./plan.js";
import type { LockedPackage, LockScope } from "./types.js";

const MARKER_KEYS = ["python_version", "implementation_name", "sys_platform", "platform_machine"];

/** The PEP 508 marker that holds exactly on `target`'s environment (as far as markers can tell). */
export function targetMarker(target: Target): string {
  const env = markerEnvironment(target);
  return MARKER_KEYS.map((k) => `${k} == "${env[k]}"`).join(" and ");
}

function lockFile(file: CandidateFile): PylockFile {
  if (file.sha256 === undefined) {
    throw new WheelhouseError(
      "LOCK_HASH_MISSING",
      `${quote(file.filename)} has no sha256, which pylock.toml requires`,
      {
        hint: "its source states no hash (a find-links file): run without --dry-run so the store hashes it, or use an index that states hashes",
      },
    );
  }
  return {
    name: file.filename,
    url: file.url,
    ...(file.size !== undefined ? { size: file.size } : {}),
    ...(file.uploadTime !== undefined ? { uploadTime: file.uploadTime } : {}),
    hashes: { sha256: file.sha256 },
  };
}

/** PEP 751 `packages.archive` of a file named by a direct reference: its URL, size and hash. */
function lockArchive(file: CandidateFile): PylockArchive {
  const { name: _, uploadTime: _time, ...archive } = lockFile(file);
  return archive;
}

/** Options of {@link buildLock}. */
export interface LockOptions {
  /** `created-by` (default "wheelhouse"). */
  createdBy?: string;
  /**
   * The Trusted Publishers of a file (its kept PEP 740 provenance): each package lists those of
   * its files as `attestation-identities` (PEP 751), once each.
   */
  identities?: (file: CandidateFile) => Record<string, string>[];
  /**
   * The simple indexes of the run: a package whose files all came from one of them records it
   * as `index` (PEP 751), as pip lock and uv do.
   */
  indexes?: readonly string[];
}

/**
 * The pylock.toml of `selections` (one per target, same order as `targets`).
 * @throws WheelhouseError "LOCK_HASH_MISSING" when a file has no known sha256, "LOCK_AMBIGUOUS"
 *   when two targets with the same markers chose different versions of a project.
 */
export function buildLock(
  targets: Target[],
  selections: TargetSelection[],
  options: LockOptions = {},
): Pylock {
  const { createdBy = "wheelhouse", identities } = options;
  const indexes = new Set(options.indexes);
  const markers = new Map(targets.map((t) => [t.spec, targetMarker(t)]));
  const entries = new Map<
    string,
    { name: string; version: string; targets: Set<string>; files: Map<string, CandidateFile> }
  >();
  for (const selection of selections) {
    for (const pkg of selection.packages) {
      if (pkg.buildOnly) continue;
      // A file named by a direct reference is an entry of its own (an `archive` holds one file),
      // so that one project may name one file per platform.
      const key = `${pkg.name}@${pkg.version}${pkg.file.direct ? `@${pkg.file.url}` : ""}`;
      const entry = entries.get(key) ?? {
        name: pkg.name,
        version: pkg.version,
        targets: new Set<string>(),
        files: new Map<string, CandidateFile>(),
      };
      entry.targets.add(selection.target);
      entry.files.set(pkg.file.filename, pkg.file);
      entries.set(key, entry);
    }
  }
  // Two targets whose markers read the same (they differ only where markers cannot see, e.g.
  // glibc versions) but chose other versions would make a lock no installer can select from.
  const chosen = new Map<string, { version: string; target: string; direct?: string }>();
  for (const e of entries.values()) {
    const direct = [...e.files.values()].find((f) => f.direct)?.url;
    for (const t of e.targets) {
      const key = `${e.name}\0${markers.get(t)}`;
      const other = chosen.get(key);
      if (other !== undefined && (other.version !== e.version || other.direct !== direct)) {
        throw new WheelhouseError(
          "LOCK_AMBIGUOUS",
          `targets ${quote(other.target)} and ${quote(t)} chose ${e.name} ${other.version} and ${e.version}, ` +
            "but a lock's markers cannot tell these targets apart",
          { hint: "lock them in separate runs (one --lock file each), or pin the project" },
        );
      }
      chosen.set(key, { version: e.version, target: t, ...(direct ? { direct } : {}) });
    }
  }
  const packages: PylockPackage[] = [...entries.values()].map((e) => {
    const files = [...e.files.values()];
    const sdist = files.find((f) => !f.filename.endsWith(".whl"));
    const wheels = files.filter((f) => f.filename.endsWith(".whl"));
    // A version-less package of an input lock whose filenames name no version stays version-less.
    const pkg: PylockPackage = {
      name: e.name,
      ...(e.version !== "" ? { version: e.version } : {}),
    };
    if (e.targets.size < selections.length) {
      const ors = [...e.targets].map((t) => markers.get(t)!);
      pkg.marker = ors.length === 1 ? ors[0] : ors.map((m) => `(${m})`).join(" or ");
    }
    if (files[0].direct) pkg.archive = lockArchive(files[0]);
    else {
      const source = files[0].source;
      if (indexes.has(source) && files.every((f) => f.source === source)) pkg.index = source;
      if (sdist) pkg.sdist = lockFile(sdist);
      if (wheels.length > 0) pkg.wheels = wheels.map(lockFile);
    }
    if (identities !== undefined) {
      const found = new Map<string, Record<string, string>>();
      for (const f of files) {
        for (const identity of identities(f)) found.set(identityKey(identity), identity);
      }
      if (found.size > 0) pkg.attestationIdentities = [...found.values()];
    }
    return pkg;
  });
  return {
    lockVersion: "1.0",
    environments: [...new Set(markers.values())],
    extras: [],
    dependencyGroups: [],
    defaultGroups: [],
    createdBy,
    packages,
  };
}

/** One identity's keys and values in a stable order, to tell identities apart. */
function identityKey(identity: Record<string, string>): string {
  return JSON.stringify(Object.entries(identity).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Hashed requirements for one target: `name==version --hash=sha256:...`, one line per package
 * with the hashes of the files chosen for it, sorted by name, after the `header` comment lines.
 * @throws WheelhouseError "HASH_UNKNOWN" naming a file whose sha256 is not known,
 *   "VERSION_UNKNOWN" naming a file of a package with no known version, "REQUIREMENTS_CONFLICT"
 *   when the selection holds two versions of one project (requirements next to a pylock.toml).
 */
export function formatHashedRequirements(
  selection: TargetSelection,
  header = [`# ${selection.target}: written by wheelhouse sync`],
): string {
  const lines = [...header];
  // One line per package: a package from a pylock.toml lists several files (one entry each).
  const byName = new Map<string, { version: string; hashes: Set<string> }>();
  for (const p of selection.packages) {
    if (p.buildOnly) continue;
    if (p.file.sha256 === undefined) {
      throw new WheelhouseError(
        "HASH_UNKNOWN",
        `${quote(p.file.filename)} has no known sha256, so a hashed requirements file cannot list it`,
        {
          hint: "its source states no hash (a find-links file): run without --dry-run so the store hashes it",
        },
      );
    }
    if (p.version === "") {
      throw new WheelhouseError(
        "VERSION_UNKNOWN",
        `${quote(p.file.filename)} of ${quote(p.name)} has no known version, so it cannot be pinned with ==`,
        {
          hint: "hash-checking mode needs name==version lines: give the package a version in the lock",
        },
      );
    }
    const entry = byName.get(p.name) ?? { version: p.version, hashes: new Set<string>() };
    // Requirements resolved next to a -r pylock.toml may choose another version than the lock:
    // one `name==version` line cannot carry both (pip would take one, with the other's hashes).
    if (entry.version !== p.version) {
      throw new WheelhouseError(
        "REQUIREMENTS_CONFLICT",
        `${selection.target} needs ${p.name} ${entry.version} and ${p.version}, which one hashed requirements file cannot pin`,
        {
          hint: "pin the project to the lock's version, or sync the lock and the requirements in separate runs",
        },
      );
    }
    entry.hashes.add(p.file.sha256.toLowerCase());
    byName.set(p.name, entry);
  }
  for (const name of [...byName.keys()].sort()) {
    const { version, hashes } = byName.get(name)!;
    const listed = [...hashes].sort().map((h) => ` \\\n    --hash=sha256:${h}`);
    lines.push(`${name}==${version}${listed.join("")}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Where the requirements of `target` go when one run writes several: the target spec inserted
 * before the extension ("reqs.txt" -> "reqs.cp312-win_amd64.txt"; no extension: appended).
 */
export function perTargetPath(path: string, target: string): string {
  const ext = extname(path);
  return ext === "" ? `${path}.${target}` : `${path.slice(0, -ext.length)}.${target}${ext}`;
}

/**
 * The packages of a parsed pylock.toml as sync inputs; relative `path`s resolve against the
 * lock file's directory (as file: URLs). `onSourceTree`, when given, is told of each vcs or
 * directory package (a source tree: `pip lock .` and `uv export` list the project itself so),
 * which is then left out instead of refused: a mirror takes the rest.
 * @throws WheelhouseError "LOCK_FILE_UNSUPPORTED" for vcs/directory packages (without
 *   `onSourceTree`), archives it cannot mirror and files without a sha256, which sync cannot
 *   verify.
 */
export function lockedPackagesOf(
  lock: Pylock,
  lockPath: string,
  onSourceTree?: (message: string) => void,
): LockedPackage[] {
  const scope: LockScope = {
    path: lockPath,
    ...(lock.environments !== undefined ? { environments: lock.environments } : {}),
    ...(lock.requiresPython !== undefined ? { requiresPython: lock.requiresPython } : {}),
  };
  const trees = lock.packages.filter((p) => p.vcs !== undefined || p.directory !== undefined);
  if (onSourceTree !== undefined) {
    for (const pkg of trees) {
      onSourceTree(
        `${lockPath}: package ${quote(pkg.name)} is a source tree (${pkg.vcs ? "vcs" : "directory"}), which is not mirrored; build it into a wheel to carry it`,
      );
    }
  }
  const packages =
    onSourceTree === undefined ? lock.packages : lock.packages.filter((p) => !trees.includes(p));
  return packages.map((pkg) => {
    const name = canonicalizeName(pkg.name);
    const listed = [...(pkg.sdist ? [pkg.sdist] : []), ...(pkg.wheels ?? [])];
    if (pkg.archive) listed.push(archiveFile(pkg.name, pkg.archive, lockPath));
    if (listed.length === 0) {
      throw new WheelhouseError(
        "LOCK_FILE_UNSUPPORTED",
        `${lockPath}: package ${quote(pkg.name)} has no sdist, wheels or archive (vcs and directory entries name source trees, which cannot be mirrored)`,
        { hint: "build those into wheels and lock the wheels" },
      );
    }
    const files = listed.map((f): CandidateFile => {
      const sha256 = f.hashes.sha256?.toLowerCase();
      const location = f.url ?? f.path!;
      if (sha256 === undefined) {
        throw new WheelhouseError(
          "LOCK_FILE_UNSUPPORTED",
          `${lockPath}: file ${quote(f.name ?? location)} of ${quote(pkg.name)} has no sha256 hash`,
          { hint: "sync verifies every file by sha256; relock with sha256 hashes" },
        );
      }
      const url =
        f.url ??
        pathToFileURL(isAbsolute(f.path!) ? f.path! : join(dirname(lockPath), f.path!)).href;
      const filename = f.name ?? decodeURIComponent(new URL(url).pathname.split("/").pop()!);
      const others = Object.entries(f.hashes).filter(([name]) => name !== "sha256");
      return {
        filename,
        url,
        sha256,
        ...(others.length > 0 ? { hashes: Object.fromEntries(others) } : {}),
        yanked: false,
        source: lockPath,
        ...(pkg.archive ? { direct: true } : {}),
        ...(f.size !== undefined ? { size: f.size } : {}),
        ...(f.uploadTime !== undefined ? { uploadTime: f.uploadTime } : {}),
      };
    });
    return {
      name,
      ...(pkg.version !== undefined ? { version: pkg.version } : {}),
      ...(pkg.marker !== undefined ? { marker: pkg.marker } : {}),
      files,
      lock: scope,
    };
  });
}

/**
 * The file of a package's `archive` (PEP 751), which wheelhouse mirrors when its URL or path ends
 * in a wheel or sdist name of that package; `name` is set from that last segment.
 * @throws WheelhouseError "LOCK_FILE_UNSUPPORTED" for a `subdirectory` (a source tree inside
 *   the archive) or a name that is not a distribution of the package.
 */
function archiveFile(pkg: string, archive: PylockArchive, lockPath: string): PylockFile {
  const location = archive.url ?? archive.path!;
  const unsupported = (why: string) =>
    new WheelhouseError(
      "LOCK_FILE_UNSUPPORTED",
      `${lockPath}: the archive of package ${quote(pkg)} (${quote(location)}) ${why}`,
      { hint: "build it into a wheel and lock the wheel" },
    );
  if (archive.subdirectory !== undefined) {
    throw unsupported(`is a source tree in sub-directory ${quote(archive.subdirectory)}`);
  }
  const last =
    location
      .replace(/[?#].*$/, "")
      .split(/[\\/]/)
      .pop() ?? "";
  let name: string;
  try {
    name = archive.url === undefined ? last : decodeURIComponent(last);
  } catch {
    name = last;
  }
  let project: string;
  try {
    project = canonicalizeName(parseDistributionFilename(name).name);
  } catch {
    throw unsupported("is not named as a wheel or an sdist");
  }
  if (project !== canonicalizeName(pkg))
    throw unsupported(`is a distribution of ${quote(project)}`);
  const { subdirectory: _, ...file } = archive;
  return { ...file, name };
}

/**
 * The version a locked file's name states (normalized), or "" when it names none: PEP 751 makes
 * `packages.version` optional, but hashed requirements pin with `==` and a lock's version must
 * be a PEP 440 version, so an absent version is read from the filename (which the pylock reader
 * has already checked against the package).
 */
function versionOfFile(file: CandidateFile): string {
  try {
    return parseDistributionFilename(file.filename).version;
  } catch {
    return "";
  }
}

/**
 * The packages of `locked` that apply on `target` (their marker holds in the lock-file marker
 * context, PEP 751), one entry per listed file; a package without `version` gets the one its
 * filenames state ("" when they state none).
 */
export function lockedSelection(
  locked: LockedPackage[],
  target: Target,
): TargetSelection["packages"] {
  checkLockCovers(locked, target);
  const env = markerEnvironment(target);
  const out: TargetSelection["packages"] = [];
  for (const pkg of locked) {
    if (pkg.marker !== undefined && !evaluateMarker(pkg.marker, env, { context: "lock_file" })) {
      continue;
    }
    for (const file of pkg.files) {
      out.push({ name: pkg.name, version: pkg.version ?? versionOfFile(file), file });
    }
  }
  return out;
}

/**
 * Check that every lock file `locked` came from covers `target` (PEP 751, "environments" and
 * "requires-python": installers must refuse an environment the lock does not cover).
 * `label` names the target in the error (default its spec).
 * @throws WheelhouseError "LOCK_ENVIRONMENT_MISMATCH" naming the lock file, the target and what
 *   the lock allows; "INVALID_LOCK_FILE" for a marker or specifier there that does not parse.
 */
export function checkLockCovers(
  locked: LockedPackage[],
  target: Target,
  label = target.spec,
): void {
  const env = markerEnvironment(target);
  for (const scope of new Set(locked.flatMap((p) => (p.lock ? [p.lock] : [])))) {
    const invalid = (what: string, error: unknown) =>
      new WheelhouseError(
        "INVALID_LOCK_FILE",
        `${quote(scope.path)}: ${what} is invalid: ${(error as Error).message}`,
        { cause: error },
      );
    if (scope.environments !== undefined && scope.environments.length > 0) {
      const holds = scope.environments.some((marker) => {
        try {
          return evaluateMarker(marker, env, { context: "lock_file" });
        } catch (error) {
          throw invalid(`environments entry ${quote(marker)}`, error);
        }
      });
      if (!holds) {
        throw new WheelhouseError(
          "LOCK_ENVIRONMENT_MISMATCH",
          `${quote(scope.path)} does not cover ${label}: none of its environments holds there ` +
            `(${scope.environments.join("; ")})`,
          { hint: "lock again for this environment, or choose a target the lock was made for" },
        );
      }
    }
    if (scope.requiresPython !== undefined) {
      const python = env.python_full_version ?? `${target.pythonVersion.join(".")}.0`;
      let fits: boolean;
      try {
        fits = specifierContains(scope.requiresPython, python, { prereleases: true });
      } catch (error) {
        throw invalid(`requires-python ${quote(scope.requiresPython)}`, error);
      }
      if (!fits) {
        throw new WheelhouseError(
          "LOCK_ENVIRONMENT_MISMATCH",
          `${quote(scope.path)} requires Python ${quote(scope.requiresPython)}; ${label} has Python ${python}`,
          { hint: "lock again for this Python, or choose a target the lock was made for" },
        );
      }
    }
  }
}
