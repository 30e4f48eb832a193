// Where an install goes instead of the interpreter's own environment, as pip's options say:
// --user (the user scheme), --target DIR (one flat directory), --prefix DIR (the interpreter's
// layout under another prefix) and --root DIR (any of those moved under a DESTDIR). Each turns an InterpreterInfo into one whose
// prefix and paths are those places; the interpreter itself (tags, markers, shebangs) is the same.
// Specs: https://docs.python.org/3/library/sysconfig.html#installation-paths
// pip's `--target` / `--prefix` (pip/_internal/locations/_sysconfig.py: the home and prefix
// schemes, and pip's header directory inside a venv).
// Traps:
// - userScheme() runs the interpreter without -I, each time: the answer follows HOME and
//   PYTHONUSERBASE, which -I would hide.
// - A prefix keeps the interpreter's preferred prefix scheme (Debian's posix_local included, as
//   pip does), except macOS framework builds, whose scheme ignores the prefix (pip's special case).
// - --target needs no interpreter call: the home scheme's lib/python is the directory itself.

import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { quote, WheelhouseError } from "../pep/errors.js";
import type { InterpreterInfo } from "./interpreter.js";

const execFileAsync = promisify(execFile);

/** The five sysconfig keys an install writes to. */
const KEYS = `("purelib", "platlib", "scripts", "data", "include")`;

const USER_PROBE = `
import json, os, site, sysconfig
get = getattr(sysconfig, "get_preferred_scheme", None)
scheme = get("user") if get else ("nt_user" if os.name == "nt" else "posix_user")
paths = sysconfig.get_paths(scheme)
print(json.dumps({
    "enabled": bool(site.ENABLE_USER_SITE),
    "base": site.getuserbase(),
    "paths": {k: paths[k] for k in ${KEYS}},
}))
`;

/**
 * `info` turned to the user scheme of its interpreter (pip's `--user`): the user site-packages,
 * scripts and data dirs under the user base (`~/.local` on Linux, PYTHONUSERBASE when set) and
 * that base as the prefix. Asked of the interpreter each time, not kept: the answer follows
 * HOME and PYTHONUSERBASE. Spec: https://docs.python.org/3/library/sysconfig.html#user-scheme
 * @throws WheelhouseError "USER_SITE_UNAVAILABLE" inside a venv (its user site is not on
 *   sys.path, pip's refusal) or when the user site is off (PYTHONNOUSERSITE, `-s`);
 *   "PYTHON_PROBE_FAILED".
 */
export async function userScheme(info: InterpreterInfo): Promise<InterpreterInfo> {
  if (info.isVenv) {
    throw new WheelhouseError(
      "USER_SITE_UNAVAILABLE",
      `cannot install with --user into ${quote(info.executable)}: user site-packages are not visible in a virtual environment`,
      {
        hint: "install into the venv itself (drop --user), or give an interpreter outside it with --python",
      },
    );
  }
  const answer = await ask<{ enabled: boolean; base: string; paths: InterpreterInfo["paths"] }>(
    info,
    ["-c", USER_PROBE],
    "its user scheme",
  );
  if (!answer.enabled) {
    throw new WheelhouseError(
      "USER_SITE_UNAVAILABLE",
      `cannot install with --user: the user site-packages of ${quote(info.executable)} are turned off`,
      { hint: "unset PYTHONNOUSERSITE, or install into a venv (--venv DIR)" },
    );
  }
  return { ...info, prefix: answer.base, paths: answer.paths };
}

const PREFIX_PROBE = `
import json, os, sys, sysconfig
prefix = sys.argv[1]
get = getattr(sysconfig, "get_preferred_scheme", None)
scheme = get("prefix") if get else ("nt" if os.name == "nt" else "posix_prefix")
if scheme == "osx_framework_library":
    scheme = "posix_prefix"
keys = ("installed_base", "base", "installed_platbase", "platbase", "prefix", "exec_prefix", "userbase")
paths = sysconfig.get_paths(scheme, vars={k: prefix for k in keys})
print(json.dumps({k: paths[k] for k in ${KEYS}}))
`;

/**
 * `info` turned to `dir` as its prefix (pip's `--prefix`): the interpreter's prefix scheme with
 * every base variable set to `dir`, so `dir/lib/pythonX.Y/site-packages`, `dir/bin`, `dir` for
 * data on POSIX. Shape: `dir` absolute or relative to the working directory; the answer's
 * prefix is absolute. Source: sysconfig.get_paths(get_preferred_scheme("prefix"), vars).
 * @throws WheelhouseError "PYTHON_PROBE_FAILED".
 */
export async function prefixScheme(info: InterpreterInfo, dir: string): Promise<InterpreterInfo> {
  const prefix = resolve(dir);
  const paths = await ask<InterpreterInfo["paths"]>(
    info,
    ["-I", "-c", PREFIX_PROBE, prefix],
    `its install scheme under ${quote(prefix)}`,
  );
  return { ...info, prefix, paths };
}

/**
 * `info` turned to the flat directory `dir` (pip's `--target`): packages at its top level,
 * scripts in `dir/bin` (`dir\Scripts` on Windows), data files under `dir`, headers under
 * `dir/include/python` (pip's home scheme). No interpreter call.
 */
export function targetScheme(info: InterpreterInfo, dir: string): InterpreterInfo {
  const prefix = resolve(dir);
  const scripts = join(prefix, process.platform === "win32" ? "Scripts" : "bin");
  return {
    ...info,
    prefix,
    paths: {
      purelib: prefix,
      platlib: prefix,
      scripts,
      data: prefix,
      include: join(prefix, "include", "python"),
    },
  };
}

/**
 * `info` with every install path, and the prefix, moved under `root` (pip's `--root`: a DESTDIR
 * for building a package of the files): `/usr/lib/python3.11/site-packages` becomes
 * `root/usr/lib/python3.11/site-packages`. Scripts still name the interpreter at its real path,
 * where the files will run. A drive letter is dropped, as pip's change_root drops it.
 */
export function rootScheme(info: InterpreterInfo, root: string): InterpreterInfo {
  const base = resolve(root);
  const move = (p: string) => join(base, p.replace(/^[A-Za-z]:/, ""));
  const { purelib, platlib, scripts, data, include } = info.paths;
  return {
    ...info,
    prefix: move(info.prefix),
    paths: {
      purelib: move(purelib),
      platlib: move(platlib),
      scripts: move(scripts),
      data: move(data),
      include: move(include),
    },
  };
}

/** The interpreter's JSON answer to `args`. @throws WheelhouseError "PYTHON_PROBE_FAILED". */
async function ask<T>(info: InterpreterInfo, args: string[], what: string): Promise<T> {
  try {
    const { stdout } = await execFileAsync(info.executable, args, { encoding: "utf8" });
    return JSON.parse(stdout) as T;
  } catch (cause) {
    throw new WheelhouseError(
      "PYTHON_PROBE_FAILED",
      `could not ask ${quote(info.executable)} for ${what}`,
      { cause, hint: String((cause as { stderr?: string }).stderr ?? "").trim() || undefined },
    );
  }
}
