// Compatibility tags: parsing and formatting `interpreter-abi-platform` triples, and generating the
// ordered tag list an interpreter supports, the way pypa/packaging's `tags` module does.
// Spec: https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/
// (PEP 425, PEP 600 manylinux_x_y, PEP 656 musllinux_x_y).
// Traps:
// - The order of the generated lists is not in the spec; installers take it from packaging, so
//   every loop below mirrors packaging's loop order (ABI outer, platform inner; abi3 for older
//   minors interleaves by platform) and tests compare against lists packaging generated.
// - Tags are case-insensitive: packaging lower-cases each part, so do we.
// - A compressed tag set ("py2.py3-none-any") expands to the product of its dotted parts.
// - macOS: the 3-way fat binary is "fat3" (CPython's _osx_support), not "fat32" (packaging < 26.3).

import { quote, WheelhouseError } from "./errors.js";

/** One compatibility tag: e.g. `{ interpreter: "cp311", abi: "cp311", platform: "win_amd64" }`. */
export interface Tag {
  interpreter: string;
  abi: string;
  platform: string;
}

/** `"interpreter-abi-platform"`, e.g. "cp311-cp311-manylinux_2_17_x86_64". */
export function formatTag(t: Tag): string {
  return `${t.interpreter}-${t.abi}-${t.platform}`;
}

// Python's str.isidentifier(), which packaging >= 26.3 requires of every interpreter part.
const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

function invalidTag(tag: string, why: string): WheelhouseError {
  return new WheelhouseError("INVALID_TAG", `tag ${quote(tag)} is invalid: ${why}`, {
    hint: 'a tag is interpreter-abi-platform, e.g. "py3-none-any"; parts may be dotted sets',
  });
}

/**
 * Parse a tag, expanding a compressed tag set: "py2.py3-none-any" gives two tags.
 * Returns the tags lower-cased, without duplicates, interpreter outer, platform inner.
 * @throws WheelhouseError "INVALID_TAG" when there are not exactly three parts, a part (or a
 *   dotted member) is empty, or an interpreter is not an identifier (spec: "Compressed Tag Sets").
 */
export function parseTag(s: string): Tag[] {
  const components = s.split("-").map((c) => c.split("."));
  for (const parts of components) {
    if (parts.includes("")) throw invalidTag(s, `component ${quote(parts.join("."))} is empty`);
  }
  if (components.length !== 3) throw invalidTag(s, "it must have exactly three parts");
  const [interpreters, abis, platforms] = components;
  for (const i of interpreters) {
    if (!IDENTIFIER.test(i)) throw invalidTag(s, `interpreter ${quote(i)} is not an identifier`);
  }
  const seen = new Set<string>();
  const tags: Tag[] = [];
  for (const interpreter of interpreters) {
    for (const abi of abis) {
      for (const platform of platforms) {
        const t = {
          interpreter: interpreter.toLowerCase(),
          abi: abi.toLowerCase(),
          platform: platform.toLowerCase(),
        };
        const key = formatTag(t);
        if (!seen.has(key)) {
          seen.add(key);
          tags.push(t);
        }
      }
    }
  }
  return tags;
}

/** "3", "11" -> "311": packaging's `_version_nodot`. */
function nodot(version: readonly number[]): string {
  return version.join("");
}

/**
 * CPython tags, as packaging's `cpython_tags(python_version, abis, platforms)`:
 * `cpXY-<abi>-<plat>` for each given ABI, then abi3 (or abi3t for a free-threaded ABI), then
 * `none`, then abi3/abi3t for every older minor down to 3.2. Strings "interp-abi-plat".
 */
export function cpythonTags(
  pythonVersion: readonly [number, number],
  abis: readonly string[],
  platforms: readonly string[],
): string[] {
  const out: string[] = [];
  const interpreter = `cp${nodot(pythonVersion)}`;
  // A "t" in the first ABI's flags marks a free-threaded (--disable-gil) build.
  const flags = abis.length > 0 ? /^cp\d+(.*)$/s.exec(abis[0]) : null;
  const threading = flags?.[1].includes("t") === true;
  const explicit = threading ? ["abi3", "abi3t", "none"] : ["abi3", "none"];
  const own = abis.filter((a) => !explicit.includes(a));
  for (const abi of own) for (const p of platforms) out.push(`${interpreter}-${abi}-${p}`);
  // PEP 384 stable ABI exists since 3.2; free-threaded builds use abi3t (PEP 803) instead.
  const atLeast32 = pythonVersion[0] > 3 || (pythonVersion[0] === 3 && pythonVersion[1] >= 2);
  const useAbi3 = atLeast32 && !threading;
  const useAbi3t = atLeast32 && threading;
  if (useAbi3) for (const p of platforms) out.push(`${interpreter}-abi3-${p}`);
  if (useAbi3t) for (const p of platforms) out.push(`${interpreter}-abi3t-${p}`);
  for (const p of platforms) out.push(`${interpreter}-none-${p}`);
  if (useAbi3 || useAbi3t) {
    for (let minor = pythonVersion[1] - 1; minor > 1; minor--) {
      const older = `cp${nodot([pythonVersion[0], minor])}`;
      for (const p of platforms) {
        if (useAbi3) out.push(`${older}-abi3-${p}`);
        if (useAbi3t) out.push(`${older}-abi3t-${p}`);
      }
    }
  }
  return out;
}

/**
 * Tags of an interpreter that needs no special casing (PyPy and others), as packaging's
 * `generic_tags(interpreter, abis, platforms)`: each ABI then `none`, by platform.
 */
export function genericTags(
  interpreter: string,
  abis: readonly string[],
  platforms: readonly string[],
): string[] {
  const all = abis.includes("none") ? [...abis] : [...abis, "none"];
  const out: string[] = [];
  for (const abi of all) for (const p of platforms) out.push(`${interpreter}-${abi}-${p}`);
  return out;
}

/** "py311", "py3", "py310", ..., "py30": packaging's `_py_interpreter_range`. */
function pyInterpreterRange(pythonVersion: readonly [number, number]): string[] {
  const [major, minor] = pythonVersion;
  const out = [`py${major}${minor}`, `py${major}`];
  for (let m = minor - 1; m >= 0; m--) out.push(`py${major}${m}`);
  return out;
}

/**
 * Tags any interpreter of that Python version accepts, as packaging's `compatible_tags`:
 * `pyXY-none-<plat>` for each version and platform, then `<interpreter>-none-any`, then
 * `pyXY-none-any`.
 */
export function compatibleTags(
  pythonVersion: readonly [number, number],
  interpreter: string | undefined,
  platforms: readonly string[],
): string[] {
  const range = pyInterpreterRange(pythonVersion);
  const out: string[] = [];
  for (const v of range) for (const p of platforms) out.push(`${v}-none-${p}`);
  if (interpreter) out.push(`${interpreter}-none-any`);
  for (const v of range) out.push(`${v}-none-any`);
  return out;
}

// PEP 513/571/599 names for glibc 2.5, 2.12 and 2.17, listed right after their PEP 600 twin.
const LEGACY_MANYLINUX: Record<string, string> = {
  "2.17": "manylinux2014",
  "2.12": "manylinux2010",
  "2.5": "manylinux1",
};

// packaging guesses the last minor of a glibc major it has not seen end yet.
const LAST_GLIBC_MINOR = 50;

/**
 * manylinux platform tags for a glibc version and architectures (the first the native one),
 * newest first, legacy aliases after their twin; as packaging's `_manylinux.platform_tags` on
 * a system with that glibc. x86_64/i686 go down to glibc 2.5, other architectures to 2.17.
 */
export function manylinuxPlatforms(
  glibc: readonly [number, number],
  archs: readonly string[],
): string[] {
  const tooOld: [number, number] = archs.some((a) => a === "x86_64" || a === "i686")
    ? [2, 4]
    : [2, 16];
  const maxList: [number, number][] = [[glibc[0], glibc[1]]];
  for (let major = glibc[0] - 1; major > 1; major--) maxList.push([major, LAST_GLIBC_MINOR]);
  const out: string[] = [];
  for (const arch of archs) {
    for (const [major, maxMinor] of maxList) {
      const minMinor = major === tooOld[0] ? tooOld[1] : -1;
      for (let minor = maxMinor; minor > minMinor; minor--) {
        out.push(`manylinux_${major}_${minor}_${arch}`);
        const legacy = LEGACY_MANYLINUX[`${major}.${minor}`];
        if (legacy) out.push(`${legacy}_${arch}`);
      }
    }
  }
  return out;
}

/** musllinux platform tags for a musl version, newest first (PEP 656), as packaging's. */
export function musllinuxPlatforms(
  musl: readonly [number, number],
  archs: readonly string[],
): string[] {
  const out: string[] = [];
  for (const arch of archs) {
    for (let minor = musl[1]; minor >= 0; minor--)
      out.push(`musllinux_${musl[0]}_${minor}_${arch}`);
  }
  return out;
}

function compareVersion(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/**
 * The binary formats (platform tag suffixes) a macOS version and CPU accept, best first, as
 * packaging's `_mac_binary_formats`: e.g. (10, 15) x86_64 -> x86_64 intel fat64 fat3 universal2
 * universal; [] when that CPU did not run that version.
 */
export function macBinaryFormats(version: readonly [number, number], arch: string): string[] {
  const formats = [arch];
  const lt = (v: [number, number]) => compareVersion(version, v) < 0;
  const gt = (v: [number, number]) => compareVersion(version, v) > 0;
  if (arch === "x86_64") {
    if (lt([10, 4])) return [];
    formats.push("intel", "fat64", "fat3");
  } else if (arch === "i386") {
    if (lt([10, 4])) return [];
    formats.push("intel", "fat3", "fat");
  } else if (arch === "ppc64") {
    if (gt([10, 5]) || lt([10, 4])) return [];
    formats.push("fat64");
  } else if (arch === "ppc") {
    if (gt([10, 6])) return [];
    formats.push("fat3", "fat");
  }
  if (arch === "arm64" || arch === "x86_64") formats.push("universal2");
  if (["x86_64", "i386", "ppc64", "ppc", "intel"].includes(arch)) formats.push("universal");
  return formats;
}

/**
 * macOS platform tags for an OS version and architecture, as packaging's
 * `mac_platforms(version, arch)`: 10.x counts minors down; 11+ counts majors down (minor 0),
 * then the 10.16..10.4 tags (all formats on x86_64, only universal2 elsewhere).
 */
export function macPlatforms(version: readonly [number, number], arch: string): string[] {
  const out: string[] = [];
  const v: [number, number] = [version[0], version[1]];
  if (compareVersion(v, [10, 0]) >= 0 && compareVersion(v, [11, 0]) < 0) {
    for (let minor = v[1]; minor >= 0; minor--) {
      for (const f of macBinaryFormats([10, minor], arch)) out.push(`macosx_10_${minor}_${f}`);
    }
  }
  if (compareVersion(v, [11, 0]) >= 0) {
    for (let major = v[0]; major > 10; major--) {
      for (const f of macBinaryFormats([major, 0], arch)) out.push(`macosx_${major}_0_${f}`);
    }
    // Intel Macs on 11+ run binaries built for 10.x; arm64 ones only universal2 ones.
    for (let minor = 16; minor > 3; minor--) {
      if (arch === "x86_64") {
        for (const f of macBinaryFormats([10, minor], arch)) out.push(`macosx_10_${minor}_${f}`);
      } else {
        out.push(`macosx_10_${minor}_universal2`);
      }
    }
  }
  return out;
}
