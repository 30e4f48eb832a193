// One probe of a Python interpreter: what it is (implementation, version, ABI, most specific
// platform tag), where it installs (sysconfig paths), its PEP 508 marker environment, and whether
// it is a venv or externally managed (PEP 668). Install and sync both build their Target from it.
// Where an install goes instead of the environment (--user, --target, --prefix): ./schemes.ts.
// Specs: https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/
// https://packaging.python.org/en/latest/specifications/dependency-specifiers/#environment-markers
// https://packaging.python.org/en/latest/specifications/externally-managed-environments/
// Traps:
// - The probe runs with -I (isolated) so PYTHONPATH or a user site cannot change what it reports;
//   site is still imported, since before 3.11 it is site that turns sys.prefix into the venv.
// - A 32-bit CPython on a 64-bit Linux says "linux-x86_64": the tag arch is i686 then.
// - The glibc version comes from confstr, read as packaging reads it (major.minor, then anything:
//   Linaro's "2.20-2014.11"); musl has no confstr, so the probe asks the musl loader.
// - The ABI flags follow packaging's _cpython_abis: "t" before "d" (cp313td), and a Windows
//   build, whose sysconfig has no Py_DEBUG, is debug when it has sys.gettotalrefcount.
// - A Python built with an SDK older than macOS 11 reads 10.16 on macOS 11+; as packaging's
//   mac_platforms does, the probe asks again with SYSTEM_VERSION_COMPAT=0 for the real version.
// - A 32-bit Python on macOS runs i386 (or ppc) binaries whatever the CPU (packaging's _mac_arch).
// - PEP 668's marker only counts outside a venv (pip checks running_under_virtualenv first).
// - The cache key is the resolved executable path plus its mtime: a rebuilt interpreter re-probes.
// - Starting Python (about 0.1 s here) is a large share of a small install or sync, so probes are
//   kept on disk (WHEELHOUSE_CACHE_DIR, else $XDG_CACHE_HOME/wheelhouse or ~/.cache/wheelhouse):
//   one file per interpreter for venvs (pyvenv.cfg beside bin/): a venv of an interpreter
//   already probed in another venv needs no probe, since venvs of one interpreter differ only in
//   their prefix, so the other answer is rewritten with the new prefix; one file per path
//   outside venvs. A kept answer counts only while the kernel's uname release and version
//   (platform_release, platform_version) and the EXTERNALLY-MANAGED marker's mtime (or absence)
//   are as they were: PEP 668's marker may come and go without the executable changing. Best
//   effort: any error there means "probe".

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, realpath, rename, stat, writeFile } from "node:fs/promises";
import { version as osVersion, release } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { quote, WheelhouseError } from "../pep/errors.js";
import type { Target } from "../pep/target.js";
import { userCacheDir } from "./cache-dir.js";

const execFileAsync = promisify(execFile);

/** What one probe of an interpreter found. Paths are absolute, as sysconfig reports them. */
export interface InterpreterInfo {
  /** sys.executable of the probed interpreter (inside the venv for a venv). */
  executable: string;
  implementation: "cp" | "pp";
  /** sys.version_info[:3]. */
  version: [number, number, number];
  /** e.g. "cp311", "cp313t", "pypy310_pp73". */
  abiTag: string;
  /** Most specific platform tag: manylinux_2_36_x86_64, musllinux_1_2_x86_64, macosx_14_0_arm64, win_amd64. */
  platform: string;
  /** PEP 508 marker variables as the interpreter itself reports them. */
  markerEnvironment: Record<string, string>;
  /** sysconfig install scheme paths of the environment. */
  paths: { purelib: string; platlib: string; scripts: string; data: string; include: string };
  /** PEP 668: an EXTERNALLY-MANAGED marker applies (never true inside a venv). */
  externallyManaged: boolean;
  /** The Error text of the EXTERNALLY-MANAGED file, when it has one. */
  externallyManagedMessage?: string;
  /** sys.prefix != sys.base_prefix. */
  isVenv: boolean;
  /** sys.prefix. */
  prefix: string;
  /** sys.implementation.cache_tag ("cpython-311"): names the .pyc files compileall writes. */
  cacheTag?: string;
  /** Where PEP 668's EXTERNALLY-MANAGED marker of this installation would be (stdlib dir). */
  externallyManagedMarker?: string;
}

const PROBE = String.raw`
import json, os, platform, sys, sysconfig
def fmt(info):
    v = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        v += info.releaselevel[0] + str(info.serial)
    return v
name = sys.implementation.name
vi = sys.version_info
if name == "pypy":
    impl = "pp"
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ""
    parts = suffix.split(".")
    abi = parts[1].split("-")[0] + "_" + parts[1].split("-")[1] if len(parts) > 2 and "-" in parts[1] else "pypy%d%d_pp73" % (vi[0], vi[1])
else:
    impl = "cp"
    from importlib.machinery import EXTENSION_SUFFIXES
    debug = sysconfig.get_config_var("Py_DEBUG")
    if debug is None:
        debug = hasattr(sys, "gettotalrefcount") or "_d.pyd" in EXTENSION_SUFFIXES
    threaded = vi >= (3, 13) and sysconfig.get_config_var("Py_GIL_DISABLED")
    pymalloc = vi < (3, 8) and sysconfig.get_config_var("WITH_PYMALLOC") in (None, 1)
    abi = "cp%d%d%s%s%s" % (vi[0], vi[1], "t" if threaded else "", "d" if debug else "", "m" if pymalloc else "")
plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
if sys.platform.startswith("linux"):
    arch = plat[len("linux_"):]
    if sys.maxsize <= 2**32:
        arch = {"x86_64": "i686", "aarch64": "armv8l"}.get(arch, arch)
    glibc = None
    try:
        glibc = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, OSError, ValueError):
        pass
    import re
    m = re.match(r"glibc (\d+)\.(\d+)", glibc or "")
    if m:
        plat = "manylinux_%s_%s_%s" % (m.group(1), m.group(2), arch)
    else:
        import glob, subprocess
        plat = "linux_" + arch
        for loader in glob.glob("/lib/ld-musl-*.so.1"):
            out = subprocess.run([loader], capture_output=True, text=True).stderr
            m = re.search(r"Version (\d+)\.(\d+)", out)
            if m:
                plat = "musllinux_%s_%s_%s" % (m.group(1), m.group(2), arch)
                break
elif sys.platform == "darwin":
    release, _, machine = platform.mac_ver()
    if release.split(".")[:2] == ["10", "16"]:
        import subprocess
        release = subprocess.run(
            [sys.executable, "-sS", "-c", "import platform; print(platform.mac_ver()[0])"],
            check=True, env={"SYSTEM_VERSION_COMPAT": "0"}, stdout=subprocess.PIPE, text=True,
        ).stdout.strip()
    if sys.maxsize <= 2**32:
        machine = "ppc" if machine.startswith("ppc") else "i386"
    major, minor = (int(x) for x in (release.split(".") + ["0"])[:2])
    if major >= 11:
        minor = 0
    plat = "macosx_%d_%d_%s" % (major, minor, machine)
paths = sysconfig.get_paths()
is_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
managed = (not is_venv) and os.path.isfile(marker)
message = None
if managed:
    import configparser
    try:
        cp = configparser.ConfigParser(interpolation=None)
        cp.read(marker, encoding="utf-8")
        message = cp.get("externally-managed", "Error", fallback=None)
    except Exception:
        pass
print(json.dumps({
    "executable": sys.executable,
    "implementation": impl,
    "version": list(vi[:3]),
    "abiTag": abi,
    "platform": plat,
    "markerEnvironment": {
        "implementation_name": name,
        "implementation_version": fmt(sys.implementation.version),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    },
    "paths": {k: paths[k] for k in ("purelib", "platlib", "scripts", "data", "include")},
    "externallyManaged": managed,
    "externallyManagedMessage": message,
    "isVenv": is_venv,
    "prefix": sys.prefix,
    "cacheTag": sys.implementation.cache_tag,
    "externallyManagedMarker": marker,
}))
`;

const cache = new Map<string, Promise<InterpreterInfo>>();

/** Find `python` on PATH when it has no slash, like a shell would (POSIX; Windows adds .exe). */
async function locate(python: string): Promise<string> {
  if (python.includes("/") || python.includes("\\")) return python;
  const exts = process.platform === "win32" ? [".exe", ""] : [""];
  for (const dir of (process.env.PATH ?? "").split(process.platform === "win32" ? ";" : ":")) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = `${dir}/${python}${ext}`;
      try {
        if ((await stat(candidate)).isFile()) return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  throw new WheelhouseError(
    "PYTHON_NOT_FOUND",
    `Python interpreter ${quote(python)} was not found on PATH`,
    {
      hint: "pass --python with the interpreter's path, or --venv DIR",
    },
  );
}

/**
 * Probe `python` (a path or a command on PATH; default "python3") once; later calls for the same
 * resolved executable and mtime reuse the answer.
 * Does not resolve symlinks for the probe itself: a venv's bin/python is a symlink whose location
 * decides sys.prefix. @throws WheelhouseError "PYTHON_NOT_FOUND" or "PYTHON_PROBE_FAILED".
 */
export async function probeInterpreter(python = "python3"): Promise<InterpreterInfo> {
  const path = await locate(python);
  let key: string;
  try {
    const real = await realpath(path);
    key = `${path}\0${real}\0${(await stat(real)).mtimeMs}`;
  } catch (cause) {
    throw new WheelhouseError(
      "PYTHON_NOT_FOUND",
      `Python interpreter ${quote(python)} does not exist`,
      {
        cause,
        hint: "pass --python with the interpreter's path, or --venv DIR",
      },
    );
  }
  let pending = cache.get(key);
  if (!pending) {
    pending = probeCached(path, key);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

/** The prefix of the venv `path` (its bin/python) belongs to, when pyvenv.cfg says it is one. */
async function venvPrefix(path: string): Promise<string | undefined> {
  const prefix = dirname(dirname(resolve(path)));
  try {
    return (await stat(join(prefix, "pyvenv.cfg"))).isFile() ? prefix : undefined;
  } catch {
    return undefined;
  }
}

/** A probe kept on disk, with what it depends on. */
interface Kept {
  info: InterpreterInfo;
  freshness?: Freshness;
}

async function readCached(file: string): Promise<Kept | undefined> {
  try {
    const kept = JSON.parse(await readFile(file, "utf8")) as Kept;
    return typeof kept.info === "object" && kept.info !== null ? kept : undefined;
  } catch {
    return undefined;
  }
}

async function writeCached(file: string, kept: Kept): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(kept));
    await rename(temp, file);
  } catch {
    // a cache that cannot be written is no cache
  }
}

/**
 * What a probe of a venv made at `dir` from the interpreter `base` would answer (POSIX layout),
 * without making it: for `install --dry-run --venv DIR` when DIR does not exist yet.
 */
export function plannedVenv(base: InterpreterInfo, dir: string): InterpreterInfo {
  const to = resolve(dir);
  const bin =
    process.platform === "win32" ? join(to, "Scripts", "python.exe") : join(to, "bin", "python");
  const { externallyManagedMessage: _, ...rest } = moveVenv(base, base.prefix, to, bin);
  return { ...rest, isVenv: true, externallyManaged: false };
}

/** `info` of a venv at `from`, moved to the venv at `to` (invoked as `executable`). */
function moveVenv(info: InterpreterInfo, from: string, to: string, executable: string) {
  const move = (p: string) =>
    p === from || p.startsWith(from + sep) ? to + p.slice(from.length) : p;
  const paths = { ...info.paths };
  for (const k of Object.keys(paths) as (keyof typeof paths)[]) paths[k] = move(paths[k]);
  return { ...info, executable, prefix: to, paths };
}

/** What a kept answer depends on besides the executable: the kernel (uname) and PEP 668's marker. */
interface Freshness {
  /** os.release() and os.version() when probed (platform_release, platform_version). */
  release: string;
  version: string;
  /** mtime (ms) of the EXTERNALLY-MANAGED marker when probed; -1 when there was none. */
  marker: number;
}

async function markerMtime(info: InterpreterInfo): Promise<number> {
  if (info.externallyManagedMarker === undefined) return -1;
  try {
    return (await stat(info.externallyManagedMarker)).mtimeMs;
  } catch {
    return -1;
  }
}

async function freshness(info: InterpreterInfo): Promise<Freshness> {
  return { release: release(), version: osVersion(), marker: await markerMtime(info) };
}

/** A kept answer still holds: same kernel, and the marker as it was (PEP 668 may come and go). */
async function stillFresh(kept: Freshness | undefined, info: InterpreterInfo): Promise<boolean> {
  if (kept === undefined) return false;
  return (
    kept.release === release() &&
    kept.version === osVersion() &&
    kept.marker === (await markerMtime(info))
  );
}

async function probeCached(path: string, key: string): Promise<InterpreterInfo> {
  const venv = await venvPrefix(path);
  // One file per interpreter (the real executable and its mtime), and one per path outside a
  // venv (the path is what the answer describes there): bounded either way.
  const [, real, mtime] = key.split("\0");
  const id = createHash("sha256")
    .update(`${PROBE}\0${venv ? "" : path}\0${real}\0${mtime}`)
    .digest("hex");
  const file = join(
    userCacheDir(),
    "interpreters",
    `${venv ? "venv" : "python"}-${id.slice(0, 32)}.json`,
  );
  const kept = await readCached(file);
  if (kept !== undefined && (await stillFresh(kept.freshness, kept.info))) {
    if (!venv && !kept.info.isVenv) return kept.info;
    if (venv && kept.info.isVenv) {
      return moveVenv(kept.info, kept.info.prefix, venv, resolve(path));
    }
  }
  const info = await runProbe(path);
  const keep = venv
    ? info.isVenv && info.prefix === venv && info.executable === resolve(path)
    : !info.isVenv;
  if (keep) await writeCached(file, { info, freshness: await freshness(info) });
  return info;
}

async function runProbe(path: string): Promise<InterpreterInfo> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(path, ["-I", "-c", PROBE], { encoding: "utf8" }));
  } catch (cause) {
    throw new WheelhouseError(
      "PYTHON_PROBE_FAILED",
      `could not run Python interpreter ${quote(path)}`,
      {
        cause,
        hint: String((cause as { stderr?: string }).stderr ?? "").trim() || undefined,
      },
    );
  }
  const { externallyManagedMessage, ...info } = JSON.parse(stdout) as Omit<
    InterpreterInfo,
    "externallyManagedMessage"
  > & { externallyManagedMessage: string | null };
  return externallyManagedMessage == null ? info : { ...info, externallyManagedMessage };
}

/**
 * The resolver's Target for an interpreter: implementation, [major, minor], the full version
 * for markers, its ABI tag and most specific platform tag. The spec reads like parseTarget's
 * input ("cp311-cp311-manylinux_2_36_x86_64").
 */
export function interpreterTarget(info: InterpreterInfo): Target {
  const [major, minor] = info.version;
  return {
    spec: `${info.implementation}${major}${minor}-${info.abiTag}-${info.platform}`,
    implementation: info.implementation,
    pythonVersion: [major, minor],
    pythonFullVersion: info.markerEnvironment.python_full_version,
    abi: info.abiTag,
    platform: info.platform,
  };
}
