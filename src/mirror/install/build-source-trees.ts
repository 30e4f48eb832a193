// Source trees named by install's requirements (./source-trees.ts), built into wheels before
// resolving, as pip builds a local directory to learn its metadata: each with the target
// interpreter's `pip wheel --no-index --no-deps` over the install's own local sources
// (./build-sdist.ts). The wheel then stands for its project as a direct reference to a file
// does (../direct-references.ts): the only candidate, pinned to its version, with dependencies
// from the sources as usual; `--dry-run` builds too (pip must, to know the metadata).
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#argument-handling (local project
// paths), https://peps.python.org/pep-0517/ (build backends),
// https://packaging.python.org/en/latest/specifications/direct-url-data-structure/ (the
// installed distribution's direct_url.json: `{"url": "file:///src/proj", "dir_info": {}}`)
// Traps:
// - Hash-checking (--require-hashes, or any --hash) refuses a directory before anything is
//   built: a tree has no bytes to hash (pip: "Can't verify hashes for these file://
//   requirements because they point to directories").
// - A requirement whose marker does not hold here is left out before building.
// - `name @ file:///dir` must build a wheel of `name` (pip's "requirement name mismatch").
// - One build per directory, however many requirements name it (`./proj` and `./proj[cli]`);
//   one after another, as pip builds them.

import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseWheelFilename } from "../../pep/filename.js";
import { evaluateMarker } from "../../pep/marker.js";
import { canonicalizeName } from "../../pep/names.js";
import { formatRequirement, type Requirement } from "../../pep/requirement.js";
import type { FindLinksNetwork } from "./fetch-links.js";
import type { InstallRequest } from "./install.js";
import { originPrefix, type SourceTree, sourceTreeOfRequirement } from "./source-trees.js";

/** What building a request's source trees needs. */
export interface SourceTreeBuild {
  /** The target interpreter, whose pip builds. */
  python: string;
  /** PEP 508 marker environment of the target. */
  markerEnvironment: Record<string, string>;
  /** Hash-checking is on (--require-hashes, or a --hash anywhere). */
  hashing: boolean;
  /** The find-links locations the builds read (./build-find-links.ts). */
  findLinks: () => Promise<string[]>;
  network?: FindLinksNetwork;
  /** pip's build options the user gave (--no-build-isolation, ...). */
  pipOptions?: string[];
  /** A temp directory of the install's, for the wheels. */
  tmp: string;
  /** Told of each wheel built (its filename). */
  onBuilt?: (filename: string) => void;
}

/** The wheels built from source trees, as requirements. */
export interface BuiltSourceTrees {
  /** `name[extras] @ <the built wheel's path> ; marker`, one per tree that applies here. */
  requirements: Requirement[];
  /** Canonical project name -> the tree it was built from: its path and its `file:` URL. */
  dirs: Map<string, { path: string; url: string }>;
}

/**
 * Build each of `trees` whose marker holds into a wheel, and name that wheel in its place.
 * @throws WheelhouseError "HASH_UNVERIFIABLE" (hash-checking is on), "DIRECT_REFERENCE_UNSUPPORTED"
 *   (the name before `@` is not the built project's; two trees of one project), and
 *   build-sdist.ts's "BUILD_BACKEND_MISSING" / "SDIST_BUILD_FAILED"; each quotes the tree.
 */
export async function buildSourceTrees(
  trees: SourceTree[],
  build: SourceTreeBuild,
): Promise<BuiltSourceTrees> {
  const out: BuiltSourceTrees = { requirements: [], dirs: new Map() };
  const applying = trees.filter(
    (t) => t.marker === undefined || evaluateMarker(t.marker, build.markerEnvironment),
  );
  if (applying.length === 0) return out;
  if (build.hashing) throw unverifiable(applying[0]);
  // Imported only when a tree is named: it reaches the store's catalog (SQLite).
  const { buildSourceTree } = await import("./build-sdist.js");
  const wheels = new Map<string, string>();
  for (const tree of applying) {
    let wheel = wheels.get(tree.dir);
    if (wheel === undefined) {
      wheel = await buildSourceTree(
        build.python,
        tree.dir,
        await build.findLinks(),
        join(build.tmp, `source-tree-${wheels.size}`),
        build.network,
        build.pipOptions,
      );
      wheels.set(tree.dir, wheel);
      build.onBuilt?.(basename(wheel));
    }
    const { name: project } = parseWheelFilename(basename(wheel));
    if (tree.name !== undefined && canonicalizeName(tree.name) !== project) {
      throw new WheelhouseError(
        "DIRECT_REFERENCE_UNSUPPORTED",
        `${originPrefix(tree.origin)}requirement ${quote(tree.requirement)}: the requirement names ${quote(tree.name)}, ` +
          `but source tree ${quote(tree.dir)} builds ${quote(project)} (${basename(wheel)})`,
        {
          hint: `write ${project} @ ${pathToFileURL(tree.dir).href}, or give the path alone`,
        },
      );
    }
    const other = out.dirs.get(project);
    if (other !== undefined && other.path !== tree.dir) {
      throw new WheelhouseError(
        "DIRECT_REFERENCE_UNSUPPORTED",
        `${originPrefix(tree.origin)}requirement ${quote(tree.requirement)}: source tree ${quote(tree.dir)} builds ${quote(project)}, ` +
          `which source tree ${quote(other.path)} builds too`,
        { hint: "name one source tree per project" },
      );
    }
    out.dirs.set(project, { path: tree.dir, url: pathToFileURL(tree.dir).href });
    out.requirements.push({
      name: tree.name ?? project,
      extras: tree.extras,
      specifier: "",
      url: wheel,
      ...(tree.marker !== undefined ? { marker: tree.marker } : {}),
    });
  }
  return out;
}

/**
 * `given` with its source trees (its `sourceTrees`, and requirements whose URL names a
 * directory) built into wheels, each named by a requirement in their place.
 * @throws {@link buildSourceTrees}'s errors.
 */
export async function withSourceTrees(
  given: InstallRequest,
  environment: Record<string, string>,
  tmp: string,
  findLinks: () => Promise<string[]>,
): Promise<{ trees: BuiltSourceTrees; asked: InstallRequest }> {
  const sourceTrees = [...(given.sourceTrees ?? [])];
  const requirements: Requirement[] = [];
  for (const r of given.requirements) {
    const tree = r.url === undefined ? undefined : sourceTreeOfRequirement(r, formatRequirement(r));
    if (tree === undefined) requirements.push(r);
    else sourceTrees.push(tree);
  }
  const trees = await buildSourceTrees(sourceTrees, {
    python: given.interpreter.executable,
    markerEnvironment: environment,
    hashing: given.requireHashes === true || (given.hashes?.size ?? 0) > 0,
    findLinks,
    ...(given.network ? { network: given.network } : {}),
    ...(given.pipBuildOptions ? { pipOptions: given.pipBuildOptions } : {}),
    tmp,
    onBuilt: (filename) => given.onEvent?.({ kind: "built", filename }),
  });
  if (trees.requirements.length === 0 && requirements.length === given.requirements.length) {
    return { trees, asked: given };
  }
  return { trees, asked: { ...given, requirements: [...requirements, ...trees.requirements] } };
}

/** pip's DirectoryUrlHashUnsupported, for `tree`. */
function unverifiable(tree: SourceTree): WheelhouseError {
  return new WheelhouseError(
    "HASH_UNVERIFIABLE",
    `${originPrefix(tree.origin)}requirement ${quote(tree.requirement)} names source tree ${quote(tree.dir)}, ` +
      "whose hash cannot be checked: hash-checking mode (--require-hashes, or a --hash anywhere) " +
      'takes built distributions only (pip: "Can\'t verify hashes for these file:// requirements because they point to directories")',
    {
      hint: `build it first (python3 -m pip wheel --no-deps -w wheels ${tree.dir}) and name the wheel with its --hash, or install it without hash-checking`,
    },
  );
}
