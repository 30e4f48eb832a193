// Which environments a sync resolves for: `--target SPEC` (repeatable), or pip's
// `--python-version/--platform/--implementation/--abi` composed into targets, or by default
// the local interpreter (probed once).
// Spec: https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/
// Traps:
// - pip's flags fill in from the local interpreter what they leave out (`--python-version 3.12`
//   alone means this machine's platform), so the probe runs only when something is missing.
// - `--python-version` takes "3.12", pip's "312" form, or a full "3.12.4" (then Requires-Python
//   is checked against that release, as pip does).
// - pip takes --platform and --abi several times (one tag list of all of them); a Target has one
//   platform and one ABI, so each pair becomes a target. --python-version may be repeated too
//   (pip takes one): each version is crossed with each platform. "--abi abi3 --abi none" beside a cpXY
//   adds nothing: cpython_tags lists abi3 and none for every CPython anyway.
// - Without --abi, pip uses the running interpreter's ABI (free-threaded "t", debug "d").
// - Unlike pip's exact --platform, a manylinux_2_28 platform also takes older manylinux wheels:
//   a target is a machine (packaging's sys_tags there), as with --target.
// - uv's --python-platform (a triple such as x86_64-unknown-linux-gnu) is read as the platform
//   tag it stands for (pep/python-platform.ts) and then goes the way of --platform; the two
//   flags together are refused (uv has no --platform, pip no --python-platform).

import { quote, WheelhouseError } from "../../pep/errors.js";
import { platformOfPythonPlatform } from "../../pep/python-platform.js";
import {
  formatTarget,
  markerEnvironment,
  parseTarget,
  type Target,
  targetAbi,
} from "../../pep/target.js";

/** The target flags of `sync`; pip's --platform and --abi may be given several times. */
export interface TargetFlags {
  target?: string[];
  /** pip's --python-version; several make one target per version (and platform). */
  pythonVersion?: string | readonly string[];
  platform?: string | readonly string[];
  implementation?: string;
  abi?: string | readonly string[];
  /** uv's --python-platform values (triples or aliases), read as platform tags. */
  pythonPlatform?: string | readonly string[];
  /** MACOSX_DEPLOYMENT_TARGET, for uv's Apple triples (macOS 13.0 when absent). */
  macosDeploymentTarget?: string;
}

function usage(message: string, hint: string): WheelhouseError {
  return new WheelhouseError("USAGE_INVALID_TARGET", message, { hint });
}

/**
 * A target parsed and checked in full now (markerEnvironment needs a platform it knows), so that
 * a bad one is a usage error before any work, not a failure in the middle of a run.
 * `flags` names what the user wrote, for the message ("--target", "--platform/--abi").
 */
function checkedTarget(spec: string, flags: string): Target {
  try {
    const target = parseTarget(spec);
    markerEnvironment(target);
    return target;
  } catch (error) {
    if (!(error instanceof WheelhouseError)) throw error;
    throw new WheelhouseError("USAGE_INVALID_TARGET", `${flags}: ${error.message}`, {
      hint: error.hint ?? "a target reads like cp311-manylinux_2_28_x86_64 or cp312-win_amd64",
      cause: error,
    });
  }
}

/** A repeatable flag's values, trimmed, empty ones and repeats dropped, in the order given. */
function values(value: string | readonly string[] | undefined): string[] {
  const all = value === undefined ? [] : typeof value === "string" ? [value] : value;
  return [...new Set(all.map((v) => v.trim()).filter((v) => v !== ""))];
}

/**
 * The ABIs of pip's --abi values: packaging's cpython_tags adds abi3 and none itself and drops
 * them from the list it is given, so "--abi cp39 --abi abi3 --abi none" is the cp39 target;
 * abi3 or none alone stays (a target whose only ABIs are abi3 and none).
 */
function abisOf(abis: string[], implementation: string): (string | undefined)[] {
  if (abis.length === 0) return [undefined];
  if (implementation !== "cp") return abis;
  const own = abis.filter((a) => a !== "abi3" && a !== "none");
  return own.length > 0 ? own : [abis.includes("abi3") ? "abi3" : "none"];
}
function pythonVersionOf(value: string): [number, number, number?] {
  const m = /^(\d)\.?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (m === null) {
    throw usage(
      `--python-version ${quote(value)} is invalid`,
      'write it as "3.12", "312" or "3.12.4"',
    );
  }
  return m[3] === undefined
    ? [Number(m[1]), Number(m[2])]
    : [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * The targets of a run. `probe` gives the local interpreter's target; it is called at most once,
 * and only when the flags leave something to fill in. pip's flags make one target per --platform
 * and --abi given (pip merges them into one tag list; a target has one platform and one ABI).
 * Targets that are the same environment (other case, legacy manylinux name) are taken once.
 * @throws WheelhouseError "USAGE_INVALID_TARGET" when --target is mixed with pip's flags, or a
 *   spec or value is invalid (quoting it).
 */
export async function selectTargets(
  flags: TargetFlags,
  probe: () => Promise<Target>,
): Promise<Target[]> {
  const abis = values(flags.abi);
  const platforms = platformsOf(flags);
  const versions = values(flags.pythonVersion);
  const pipStyle =
    versions.length > 0 ||
    platforms.length > 0 ||
    flags.implementation !== undefined ||
    abis.length > 0;
  if (flags.target && flags.target.length > 0) {
    if (pipStyle) {
      throw usage(
        "--target cannot be combined with --python-version/--platform/--python-platform/--implementation/--abi",
        "use either several --target SPEC or pip's flags for one target",
      );
    }
    return distinct(flags.target.map((spec) => checkedTarget(spec.trim(), "--target")));
  }
  if (!pipStyle) return [await probe()];
  if (versions.length > 1 && abis.length > 0) {
    throw usage(
      "--abi cannot be combined with several --python-version values",
      "give one --target SPEC per environment, e.g. --target cp311-cp311d-manylinux_2_28_x86_64",
    );
  }
  const parsed = versions.map(pythonVersionOf); // every value checked before the probe
  const local = versions.length === 0 || platforms.length === 0 ? await probe() : undefined;
  const implementation =
    flags.implementation?.trim().toLowerCase() ?? local?.implementation ?? "cp";
  if (implementation !== "cp" && implementation !== "pp") {
    throw usage(`--implementation ${quote(implementation)} is not supported`, "use cp or pp");
  }
  const targets: Target[] = [];
  for (const version of parsed.length > 0 ? parsed : [undefined]) {
    targets.push(...targetsOf(version, local, implementation, platforms, abis));
  }
  return distinct(targets);
}

/**
 * The targets of one Python version (undefined: the local interpreter's) on each platform (none:
 * the local one) and ABI.
 */
function targetsOf(
  given: [number, number, number?] | undefined,
  local: Target | undefined,
  implementation: "cp" | "pp",
  platforms: string[],
  abis: string[],
): Target[] {
  const version = given ?? local!.pythonVersion;
  // Without --abi pip takes the ABI of the running interpreter (packaging's _cpython_abis reads
  // its build: a free-threaded or debug Python gives cp313t, cp312d) for that Python version.
  const localAbi =
    local !== undefined &&
    local.implementation === implementation &&
    local.pythonVersion[0] === version[0] &&
    local.pythonVersion[1] === version[1]
      ? targetAbi(local)
      : undefined;
  const micro = version[2];
  const full =
    micro !== undefined
      ? `${version[0]}.${version[1]}.${micro}`
      : given === undefined
        ? local?.pythonFullVersion
        : undefined;
  const targets: Target[] = [];
  for (const platform of platforms.length > 0 ? platforms : [local!.platform]) {
    for (const abi of abisOf(abis, implementation)) {
      const middle =
        abi ??
        (localAbi === targetAbi({ implementation, pythonVersion: [version[0], version[1]] })
          ? undefined
          : localAbi);
      const spec = `${implementation}${version[0]}${version[1]}${middle ? `-${middle}` : ""}-${platform}`;
      const target = checkedTarget(
        spec,
        "--python-version/--platform/--python-platform/--implementation/--abi",
      );
      targets.push(full === undefined ? target : { ...target, pythonFullVersion: full });
    }
  }
  return targets;
}

/**
 * The platform tags of --platform, or of uv's --python-platform read as tags (repeats once).
 * @throws WheelhouseError "USAGE_INVALID_TARGET" for both flags at once or an unknown triple.
 */
function platformsOf(flags: TargetFlags): string[] {
  const platforms = values(flags.platform);
  const triples = values(flags.pythonPlatform);
  if (triples.length === 0) return platforms;
  if (platforms.length > 0) {
    throw usage(
      "--platform cannot be combined with --python-platform",
      "give pip's --platform TAG or uv's --python-platform TRIPLE, not both",
    );
  }
  const tags = triples.map((triple) => {
    try {
      return platformOfPythonPlatform(triple, flags.macosDeploymentTarget);
    } catch (error) {
      if (!(error instanceof WheelhouseError)) throw error;
      throw new WheelhouseError("USAGE_INVALID_TARGET", error.message, {
        hint: error.hint,
        cause: error,
      });
    }
  });
  return [...new Set(tags)];
}

/** Targets in order, each environment once (compared by canonical spec and full version). */
function distinct(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${formatTarget(t)} ${t.pythonFullVersion ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
