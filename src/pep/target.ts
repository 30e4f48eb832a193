// Targets: the environment a resolution is for (implementation, Python version, ABI, platform),
// written as a short spec like "cp311-manylinux_2_28_x86_64", and what follows from one: the
// ordered list of compatibility tags its installer accepts and its PEP 508 marker environment.
// Specs: https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/
// https://packaging.python.org/en/latest/specifications/dependency-specifiers/#environment-markers
// Traps:
// - Tag order must be the order of packaging.tags.sys_tags() on that machine: CPython is
//   cpython_tags then compatible_tags(interpreter "cpXY"); PyPy is generic_tags then
//   compatible_tags(interpreter "pp3").
// - A manylinux_2_N target also runs every older glibc's wheels, with the legacy names
//   (manylinux2014/2010/1) right after their PEP 600 twin, then linux_ARCH last (pip's order;
//   packaging >= 26.3 lists linux_ARCH first, which no wheel on PyPI can tell apart).
// - macOS 11+ only lists X_0 per major: a macosx_14_2 target starts at macosx_14_0.

import { quote, WheelhouseError } from "./errors.js";
import {
  compatibleTags,
  cpythonTags,
  genericTags,
  macPlatforms,
  manylinuxPlatforms,
  musllinuxPlatforms,
} from "./tags.js";

/** A target environment; `spec` is what the user wrote, the rest is parsed from it. */
export interface Target {
  /** As written by the user, e.g. "cp311-manylinux_2_28_x86_64". */
  spec: string;
  /** CPython or PyPy. */
  implementation: "cp" | "pp";
  /** [major, minor], e.g. [3, 11]. */
  pythonVersion: [number, number];
  /** e.g. "3.11.7" when known (read from a real interpreter); else markers use `X.Y.0`. */
  pythonFullVersion?: string;
  /** ABI tag, e.g. "cp311", "cp313t", "pypy310_pp73"; when absent, derived by {@link targetAbi}. */
  abi?: string;
  /** Platform tag in its PEP 600 form, e.g. "manylinux_2_28_x86_64", "win_amd64", "any". */
  platform: string;
}

const HINT =
  'a target is <interpreter>[-<abi>]-<platform>, e.g. "cp311-manylinux_2_28_x86_64", ' +
  '"cp312-win_amd64", "cp313-macosx_14_0_arm64", "pp310-manylinux_2_17_aarch64", ' +
  '"cp312-musllinux_1_2_x86_64", "cp313t-win_amd64" (free-threaded)';

function invalidTarget(spec: string, why: string): WheelhouseError {
  return new WheelhouseError("INVALID_TARGET", `target ${quote(spec)} is invalid: ${why}`, {
    hint: HINT,
  });
}

/** What a platform tag says about the machine. */
type PlatformInfo =
  | { kind: "manylinux"; glibc: [number, number]; arch: string }
  | { kind: "musllinux"; musl: [number, number]; arch: string }
  | { kind: "macos"; version: [number, number]; arch: string }
  | { kind: "windows"; arch: string }
  | { kind: "linux"; arch: string }
  | { kind: "any" };

const LEGACY_GLIBC: Record<string, [number, number]> = {
  manylinux1: [2, 5],
  manylinux2010: [2, 12],
  manylinux2014: [2, 17],
};

const WINDOWS_MACHINE: Record<string, string> = {
  win32: "x86",
  win_amd64: "AMD64",
  win_arm64: "ARM64",
};

/** Parse a platform tag; undefined when it is not one wheelhouse can target. */
function parsePlatform(platform: string): PlatformInfo | undefined {
  let m = /^manylinux_(\d+)_(\d+)_([a-z0-9_]+)$/.exec(platform);
  if (m) return { kind: "manylinux", glibc: [Number(m[1]), Number(m[2])], arch: m[3] };
  m = /^(manylinux1|manylinux2010|manylinux2014)_([a-z0-9_]+)$/.exec(platform);
  if (m) return { kind: "manylinux", glibc: LEGACY_GLIBC[m[1]], arch: m[2] };
  m = /^musllinux_(\d+)_(\d+)_([a-z0-9_]+)$/.exec(platform);
  if (m) return { kind: "musllinux", musl: [Number(m[1]), Number(m[2])], arch: m[3] };
  m = /^macosx_(\d+)_(\d+)_([a-z0-9_]+)$/.exec(platform);
  if (m) {
    const version: [number, number] = [Number(m[1]), Number(m[2])];
    if (version[0] < 10) return undefined;
    return { kind: "macos", version, arch: m[3] };
  }
  if (platform in WINDOWS_MACHINE) return { kind: "windows", arch: platform };
  m = /^linux_([a-z0-9_]+)$/.exec(platform);
  if (m) return { kind: "linux", arch: m[1] };
  if (platform === "any") return { kind: "any" };
  return undefined;
}

/** The PEP 600 spelling of a platform: legacy manylinux names become manylinux_2_N. */
function canonicalPlatform(info: PlatformInfo, written: string): string {
  if (info.kind === "manylinux") return `manylinux_${info.glibc[0]}_${info.glibc[1]}_${info.arch}`;
  return written;
}

/** The ABI a target uses when none is given: cpXY (cpXYm before 3.8), pypyXY_pp73. */
export function targetAbi(t: Pick<Target, "implementation" | "pythonVersion" | "abi">): string {
  if (t.abi) return t.abi;
  const [major, minor] = t.pythonVersion;
  if (t.implementation === "pp") return `pypy${major}${minor}_pp73`;
  return minor < 8 && major === 3 ? `cp${major}${minor}m` : `cp${major}${minor}`;
}

/**
 * Parse a target spec: `<cp|pp><major><minor>[t][-<abi>]-<platform>`, case-insensitive, e.g.
 * "cp311-manylinux_2_28_x86_64", "pp310-manylinux_2_17_aarch64", "cp313t-win_amd64",
 * "cp312-cp312d-linux_x86_64". Legacy platforms (manylinux2014_x86_64) are accepted and
 * stored in their PEP 600 form (manylinux_2_17_x86_64). The returned `abi` is always set.
 * @throws WheelhouseError "INVALID_TARGET" quoting the spec, with a hint showing the format.
 */
export function parseTarget(spec: string): Target {
  const parts = spec.trim().toLowerCase().split("-");
  if (parts.length < 2 || parts.length > 3) {
    throw invalidTarget(
      spec,
      "it must be <interpreter>-<platform> or <interpreter>-<abi>-<platform>",
    );
  }
  const interp = /^(cp|pp)(\d)(\d+)(t?)$/.exec(parts[0]);
  if (!interp) {
    throw invalidTarget(spec, `interpreter ${quote(parts[0])} is not cpXY or ppXY (e.g. cp311)`);
  }
  const implementation = interp[1] as "cp" | "pp";
  const pythonVersion: [number, number] = [Number(interp[2]), Number(interp[3])];
  if (pythonVersion[0] !== 3) throw invalidTarget(spec, "only Python 3 is supported");
  const freeThreaded = interp[4] === "t";
  if (freeThreaded && (implementation !== "cp" || parts.length === 3)) {
    throw invalidTarget(spec, `"t" (free-threaded) only follows a cpXY without an explicit ABI`);
  }
  let abi: string | undefined;
  if (parts.length === 3) {
    if (!/^[a-z0-9_]+$/.test(parts[1]))
      throw invalidTarget(spec, `ABI ${quote(parts[1])} is invalid`);
    abi = parts[1];
  } else if (freeThreaded) {
    abi = `cp${pythonVersion[0]}${pythonVersion[1]}t`;
  }
  const written = parts[parts.length - 1];
  const info = parsePlatform(written);
  if (!info) throw invalidTarget(spec, `platform ${quote(written)} is not a known platform tag`);
  return {
    spec,
    implementation,
    pythonVersion,
    abi: targetAbi({ implementation, pythonVersion, abi }),
    platform: canonicalPlatform(info, written),
  };
}

/**
 * The canonical spec of a target: "cp311-manylinux_2_28_x86_64"; a non-default ABI is written
 * as the middle part ("cp312-cp312d-linux_x86_64") or, for free-threading, "cp313t-...".
 * `pythonFullVersion` is not part of a spec.
 */
export function formatTarget(t: Target): string {
  const interpreter = `${t.implementation}${t.pythonVersion[0]}${t.pythonVersion[1]}`;
  const abi = targetAbi(t);
  const base = targetAbi({ implementation: t.implementation, pythonVersion: t.pythonVersion });
  if (abi === base) return `${interpreter}-${t.platform}`;
  if (t.implementation === "cp" && abi === `${interpreter}t`)
    return `${interpreter}t-${t.platform}`;
  return `${interpreter}-${abi}-${t.platform}`;
}

function resolveTarget(target: Target | string): { target: Target; info: PlatformInfo } {
  const t = typeof target === "string" ? parseTarget(target) : target;
  const info = parsePlatform(t.platform);
  if (!info) {
    throw invalidTarget(t.spec, `platform ${quote(t.platform)} is not a known platform tag`);
  }
  return { target: t, info };
}

/** packaging's 32-bit ARM rule: an armv8l system also runs armv7l wheels. */
function linuxArchs(arch: string): string[] {
  return arch === "armv8l" ? ["armv8l", "armv7l"] : [arch];
}

/** The platform tags a machine accepts, most preferred first. */
function platformTags(info: PlatformInfo, written: string): string[] {
  switch (info.kind) {
    case "manylinux": {
      const archs = linuxArchs(info.arch);
      return [...manylinuxPlatforms(info.glibc, archs), ...archs.map((a) => `linux_${a}`)];
    }
    case "musllinux": {
      const archs = linuxArchs(info.arch);
      return [...musllinuxPlatforms(info.musl, archs), ...archs.map((a) => `linux_${a}`)];
    }
    case "macos":
      return macPlatforms(info.version, info.arch);
    case "linux":
      return linuxArchs(info.arch).map((a) => `linux_${a}`);
    default:
      return [written];
  }
}

function cacheKey(t: Target): string {
  return `${t.implementation}${t.pythonVersion.join(".")}|${targetAbi(t)}|${t.platform}`;
}

const TAGS_CACHE = new Map<string, readonly string[]>();
const PRIORITY_CACHE = new Map<string, Map<string, number>>();

function computeTags(target: Target | string): { key: string; tags: readonly string[] } {
  const { target: t, info } = resolveTarget(target);
  const key = cacheKey(t);
  const cached = TAGS_CACHE.get(key);
  if (cached) return { key, tags: cached };
  const platforms = platformTags(info, t.platform);
  const [major, minor] = t.pythonVersion;
  const abi = targetAbi(t);
  let tags: string[];
  if (t.implementation === "cp") {
    // A debug ABI (cp311d) also loads normal extension modules, as in packaging's _cpython_abis.
    const debug = /^(cp\d+t?)d$/.exec(abi);
    const abis = debug && minor >= 8 ? [abi, debug[1]] : [abi];
    tags = [
      ...cpythonTags(t.pythonVersion, abis, platforms),
      ...compatibleTags(t.pythonVersion, `cp${major}${minor}`, platforms),
    ];
  } else {
    tags = [
      ...genericTags(`pp${major}${minor}`, [abi], platforms),
      ...compatibleTags(t.pythonVersion, "pp3", platforms),
    ];
  }
  Object.freeze(tags);
  TAGS_CACHE.set(key, tags);
  return { key, tags };
}

/**
 * The tags a target's installer accepts, most preferred first, each "interp-abi-platform",
 * equal to packaging.tags.sys_tags() on such a machine (duplicates kept, as packaging does).
 * @throws WheelhouseError "INVALID_TARGET" for an unparsable spec or unknown platform.
 */
export function supportedTags(target: Target | string): string[] {
  return [...computeTags(target).tags];
}

/**
 * Tag string -> rank (0 = most preferred; the first occurrence wins), cached per target.
 * The map is shared between callers: do not modify it.
 * @throws WheelhouseError "INVALID_TARGET" like {@link supportedTags}.
 */
export function tagPriority(target: Target | string): Map<string, number> {
  const { key, tags } = computeTags(target);
  let ranks = PRIORITY_CACHE.get(key);
  if (!ranks) {
    ranks = new Map();
    tags.forEach((tag, i) => {
      if (!ranks!.has(tag)) ranks!.set(tag, i);
    });
    PRIORITY_CACHE.set(key, ranks);
  }
  return ranks;
}

/**
 * The best (lowest) rank among a wheel's tags for a target, or undefined when the wheel does not
 * install there. `wheel.tags` are expanded "interp-abi-plat" strings (as in WheelFilename).
 */
export function bestWheelTagRank(
  wheel: { tags: readonly string[] },
  target: Target | string,
): number | undefined {
  const ranks = tagPriority(target);
  let best: number | undefined;
  for (const tag of wheel.tags) {
    const r = ranks.get(tag);
    if (r !== undefined && (best === undefined || r < best)) best = r;
  }
  return best;
}

function macMachine(arch: string): string {
  if (arch === "arm64" || arch === "universal2") return "arm64";
  if (arch === "i386" || arch === "ppc" || arch === "ppc64") return arch;
  return "x86_64";
}

/**
 * The PEP 508 marker environment of a target: python_version ("3.11"), python_full_version
 * (`pythonFullVersion`, else "X.Y.0"), os_name, sys_platform, platform_system,
 * platform_machine, platform_python_implementation, implementation_name,
 * implementation_version (CPython: the full version; PyPy: "7.3.0" from the pp73 ABI),
 * platform_release and platform_version ("" since a target has no kernel).
 * Windows: nt/win32/Windows, machine AMD64 | x86 | ARM64; macOS: posix/darwin/Darwin, machine
 * arm64 (also for universal2) or x86_64; Linux: posix/linux/Linux, machine = the tag's arch.
 * @throws WheelhouseError "INVALID_TARGET" for the "any" platform (no operating system).
 */
export function markerEnvironment(target: Target | string): Record<string, string> {
  const { target: t, info } = resolveTarget(target);
  const [major, minor] = t.pythonVersion;
  const full = t.pythonFullVersion ?? `${major}.${minor}.0`;
  let os: [string, string, string, string];
  switch (info.kind) {
    case "windows":
      os = ["nt", "win32", "Windows", WINDOWS_MACHINE[info.arch]];
      break;
    case "macos":
      os = ["posix", "darwin", "Darwin", macMachine(info.arch)];
      break;
    case "any":
      throw invalidTarget(t.spec, 'platform "any" names no operating system for markers');
    default:
      os = ["posix", "linux", "Linux", info.arch];
  }
  let implementationVersion = full;
  if (t.implementation === "pp") {
    const pp = /_pp(\d)(\d+)$/.exec(targetAbi(t));
    implementationVersion = pp ? `${pp[1]}.${pp[2]}.0` : "7.3.0";
  }
  const cp = t.implementation === "cp";
  return {
    python_version: `${major}.${minor}`,
    python_full_version: full,
    os_name: os[0],
    sys_platform: os[1],
    platform_system: os[2],
    platform_machine: os[3],
    platform_python_implementation: cp ? "CPython" : "PyPy",
    implementation_name: cp ? "cpython" : "pypy",
    implementation_version: implementationVersion,
    platform_release: "",
    platform_version: "",
  };
}
