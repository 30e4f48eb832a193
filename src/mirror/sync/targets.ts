// Which environments a sync resolves for: `--target SPEC` (repeatable), or pip's
// `--python-version/--platform/--implementation/--abi` composed into one target, or by default
// the local interpreter (probed once).
// Spec: https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/
// Traps:
// - pip's flags fill in from the local interpreter what they leave out (`--python-version 3.12`
//   alone means this machine's platform), so the probe runs only when something is missing.
// - `--python-version` takes "3.12", pip's "312" form, or a full "3.12.4" (then Requires-Python
//   is checked against that release, as pip does).

import { quote, WheelhouseError } from "../../pep/errors.js";
import { markerEnvironment, parseTarget, type Target } from "../../pep/target.js";

/** The target flags of `sync`. */
export interface TargetFlags {
  target?: string[];
  pythonVersion?: string;
  platform?: string;
  implementation?: string;
  abi?: string;
}

function usage(message: string, hint: string): WheelhouseError {
  return new WheelhouseError("USAGE_INVALID_TARGET", message, { hint });
}

/**
 * A --target spec parsed and checked in full now (markerEnvironment needs a platform it knows),
 * so that a bad one is a usage error before any work, not a failure in the middle of a run.
 */
function checkedTarget(spec: string): Target {
  try {
    const target = parseTarget(spec);
    markerEnvironment(target);
    return target;
  } catch (error) {
    if (!(error instanceof WheelhouseError)) throw error;
    throw new WheelhouseError("USAGE_INVALID_TARGET", `--target: ${error.message}`, {
      hint: error.hint ?? "a target reads like cp311-manylinux_2_28_x86_64 or cp312-win_amd64",
      cause: error,
    });
  }
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
 * and only when the flags leave something to fill in.
 * @throws WheelhouseError "USAGE_INVALID_TARGET" when --target is mixed with pip's flags or a
 *   value is invalid; parseTarget's "INVALID_TARGET" for a bad spec.
 */
export async function selectTargets(
  flags: TargetFlags,
  probe: () => Promise<Target>,
): Promise<Target[]> {
  const pipStyle =
    flags.pythonVersion !== undefined ||
    flags.platform !== undefined ||
    flags.implementation !== undefined ||
    flags.abi !== undefined;
  if (flags.target && flags.target.length > 0) {
    if (pipStyle) {
      throw usage(
        "--target cannot be combined with --python-version/--platform/--implementation/--abi",
        "use either several --target SPEC or pip's flags for one target",
      );
    }
    const seen = new Set<string>();
    const targets: Target[] = [];
    for (const spec of flags.target) {
      const target = checkedTarget(spec.trim());
      if (seen.has(target.spec)) continue;
      seen.add(target.spec);
      targets.push(target);
    }
    return targets;
  }
  if (!pipStyle) return [await probe()];
  const local =
    flags.pythonVersion === undefined || flags.platform === undefined ? await probe() : undefined;
  const version = flags.pythonVersion ? pythonVersionOf(flags.pythonVersion) : local!.pythonVersion;
  const implementation = flags.implementation ?? local?.implementation ?? "cp";
  if (implementation !== "cp" && implementation !== "pp") {
    throw usage(`--implementation ${quote(implementation)} is not supported`, "use cp or pp");
  }
  const platform = flags.platform ?? local!.platform;
  const spec = `${implementation}${version[0]}${version[1]}${flags.abi ? `-${flags.abi}` : ""}-${platform}`;
  const target = parseTarget(spec);
  const micro = version[2];
  if (micro !== undefined) {
    return [{ ...target, pythonFullVersion: `${version[0]}.${version[1]}.${micro}` }];
  }
  const full = flags.pythonVersion === undefined ? local?.pythonFullVersion : undefined;
  return [full === undefined ? target : { ...target, pythonFullVersion: full }];
}
