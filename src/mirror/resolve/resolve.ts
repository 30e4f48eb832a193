// resolve(): the dependency closure of some requirements for one target, over a Provider, with
// pip's and uv's policies (pre-releases, yanked, extras, Requires-Python, markers, constraints,
// --hash, --only-binary/--no-binary, --prefer-binary, --exclude-newer), and optionally the build
// requirements of every sdist it picks, so that the build can happen offline later.
// Specs: https://packaging.python.org/en/latest/specifications/dependency-specifiers/
// https://packaging.python.org/en/latest/specifications/version-specifiers/
// https://peps.python.org/pep-0517/ (build requirements), https://peps.python.org/pep-0592/
// Traps:
// - Build requirements are resolved apart from the runtime closure (a build runs in its own
//   isolated environment), so they may need another version of a runtime package: such a
//   package then appears twice, the build one marked `buildOnly`.
// - Constraints, --hash and installed versions apply to the runtime closure only (pip applies
//   neither `-c` nor hashes to isolated build environments).

import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseRequirement, type Requirement } from "../../pep/requirement.js";
import { markerEnvironment } from "../../pep/target.js";
import { compareVersions } from "../../pep/version.js";
import { explain, ResolutionError } from "./explain.js";
import { providesExtra } from "./policy.js";
import { ProjectIndex } from "./project-index.js";
import type { Provider } from "./provider.js";
import { Search, SearchTooLong, type State } from "./search.js";
import type { Entry, Pin, Resolution, ResolvedPackage, ResolveOptions } from "./types.js";

export { type ChooseFileOptions, chooseFile, type RejectedFile } from "./choose-file.js";
export { ResolutionError } from "./explain.js";
export type { Resolution, ResolvedPackage, ResolveOptions } from "./types.js";

/**
 * Resolve `requirements` for `options.target` against `provider`: one release per project,
 * newest first with backtracking, and per release the file the target installs best.
 * Returns the packages sorted by canonical name.
 * @throws ResolutionError "NO_MATCHING_DISTRIBUTION" (a requirement admits no file: one reason
 *   per file) or "RESOLUTION_IMPOSSIBLE" (requirements conflict: the causes and their chain).
 * @throws WheelhouseError "DIRECT_REFERENCE_UNSUPPORTED" for `name @ url` requirements.
 * Provider errors (network, broken files) propagate unchanged.
 */
export async function resolve(
  requirements: Requirement[],
  provider: Provider,
  options: ResolveOptions,
): Promise<Resolution> {
  const packages = await resolveClosure(requirements, new ProjectIndex(provider, options), options);
  if (options.buildRequirements && provider.getBuildRequires) {
    await addBuildRequirements(packages, provider, options);
  }
  packages.sort((a, b) =>
    a.name === b.name ? compareVersions(a.version, b.version) : a.name < b.name ? -1 : 1,
  );
  return { target: options.target, packages };
}

async function resolveClosure(
  requirements: Requirement[],
  index: ProjectIndex,
  options: ResolveOptions,
): Promise<ResolvedPackage[]> {
  for (const r of requirements) {
    if (r.url !== undefined) {
      throw new WheelhouseError(
        "DIRECT_REFERENCE_UNSUPPORTED",
        `requirement ${quote(`${r.name} @ ${r.url}`)} is a direct reference, which the resolver does not take`,
        { hint: "put the file in a --find-links location and require it by name and version" },
      );
    }
  }
  const search = new Search(index, options, markerEnvironment(options.target));
  const criteria = new Map<string, Entry[]>();
  for (const e of search.rootEntries(requirements)) {
    criteria.set(e.id, [...(criteria.get(e.id) ?? []), e]);
  }
  let outcome: Awaited<ReturnType<Search["run"]>>;
  try {
    outcome = await search.run({ pins: new Map(), criteria });
  } catch (error) {
    if (error instanceof SearchTooLong) {
      throw new ResolutionError(
        "RESOLUTION_IMPOSSIBLE",
        `resolution gave up after ${error.steps} decisions without finding a solution`,
        { hint: "pin some of the packages to narrow the search", cause: error },
      );
    }
    throw error;
  }
  if (!outcome.ok) throw explain(search, search.lastConflict);
  return assemble(outcome.state);
}

/** One ResolvedPackage per project from the pins of a solved state. */
function assemble(state: State): ResolvedPackage[] {
  const byName = new Map<string, Pin[]>();
  for (const pin of state.pins.values()) {
    byName.set(pin.name, [...(byName.get(pin.name) ?? []), pin]);
  }
  const out: ResolvedPackage[] = [];
  for (const [name, pins] of byName) {
    const base = pins.find((p) => p.extra === undefined) ?? pins[0];
    const dependencies = new Set<string>();
    const requestedBy = new Set<string>();
    for (const pin of pins) {
      for (const d of pin.dependencies) if (d.name !== name) dependencies.add(d.name);
      for (const e of state.criteria.get(pin.id) ?? []) {
        if (e.parent === undefined) requestedBy.add("<root>");
        else if (e.parent.name !== name) requestedBy.add(e.parent.name);
      }
    }
    out.push({
      name,
      displayName: base.metadata.name,
      version: base.version,
      file: base.file,
      extras: pins
        .flatMap((p) =>
          p.extra !== undefined && providesExtra(p.metadata, p.extra) ? [p.extra] : [],
        )
        .sort(),
      dependencies: [...dependencies].sort(),
      requestedBy: [...requestedBy].sort(),
    });
  }
  return out;
}

/** Resolve the build requirements of every sdist (and of sdists those need), in place. */
async function addBuildRequirements(
  packages: ResolvedPackage[],
  provider: Provider,
  options: ResolveOptions,
): Promise<void> {
  const buildOptions: ResolveOptions = {
    ...options,
    constraints: undefined,
    hashes: undefined,
    requireHashes: false,
    installed: undefined,
    buildRequirements: false,
    noDeps: false,
  };
  const index = new ProjectIndex(provider, buildOptions);
  const byKey = new Map(packages.map((p) => [`${p.name}@${p.version}`, p]));
  const done = new Set<string>();
  const queue = packages.filter(isSdist);
  while (queue.length > 0) {
    const pkg = queue.shift()!;
    const key = `${pkg.file.url}\u0000${pkg.file.filename}`;
    if (done.has(key)) continue;
    done.add(key);
    const lines = await provider.getBuildRequires!(pkg.file);
    let built: ResolvedPackage[];
    try {
      built = await resolveClosure(lines.map(parseRequirement), index, buildOptions);
    } catch (error) {
      if (!(error instanceof ResolutionError)) throw error;
      throw new ResolutionError(
        error.code as "RESOLUTION_IMPOSSIBLE",
        `cannot resolve the build requirements of ${pkg.file.filename} (${lines.join(", ")}): ${error.message}`,
        {
          hint: `the sdist is chosen because no wheel of ${pkg.displayName} ${pkg.version} fits; building it offline needs its build backend: add a source that offers it (--find-links, --extra-index-url), or refuse the sdist with --only-binary ${pkg.name}`,
          cause: error,
        },
      );
    }
    for (const b of built) {
      const known = byKey.get(`${b.name}@${b.version}`);
      if (known) {
        if (!known.requestedBy.includes(pkg.name))
          known.requestedBy = [...known.requestedBy, pkg.name].sort();
        continue;
      }
      const added = { ...b, requestedBy: [pkg.name], buildOnly: true };
      packages.push(added);
      byKey.set(`${b.name}@${b.version}`, added);
      if (isSdist(added)) queue.push(added);
    }
  }
}

function isSdist(p: ResolvedPackage): boolean {
  return !p.file.filename.toLowerCase().endsWith(".whl");
}
