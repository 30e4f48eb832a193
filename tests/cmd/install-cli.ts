// Shared by the install CLI tests: run `wheelhouse install` with no default store leaking in,
// make fast venvs and interpreter copies, read what a venv holds, and parse the --json report.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { expect } from "vitest";
import { type Ran, wheelhouse } from "../helpers/cli.js";
import { makeVenv } from "../mirror/install/env.js";

/** The --json report of `wheelhouse install` (see docs/install.md). */
export interface InstallJson {
  dryRun: boolean;
  environment: string;
  installed: { name: string; version: string; filename: string; source: string }[];
  kept: { name: string; version: string }[];
  removed: { name: string; version: string }[];
  compiled: number;
  /** Paths of the files installed in the scripts directory. */
  scripts: string[];
  seconds: number;
}

/** The text summary line: installed, kept, removed, compiled?, seconds, environment. */
export const SUMMARY =
  /^(\d+) (?:installed|would install), (\d+) kept, (\d+) (?:removed|would be removed)(?:, (\d+) compiled)? in \d+\.\d\ds \((.+)\)$/;

/**
 * `wheelhouse install ARGS` with XDG_DATA_HOME inside `root` (so the user's default store is
 * never found) and WHEELHOUSE_STORE unset unless `extraEnv` sets it.
 */
export function runInstall(
  root: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: join(root, "xdg") };
  delete env.WHEELHOUSE_STORE;
  return wheelhouse(["install", ...args], { ...env, ...extraEnv });
}

let venvCount = 0;

/** A new venv without pip (fast) under `root`; returns its directory. */
export function freshVenv(root: string): string {
  const dir = join(root, `venv${venvCount++}`);
  makeVenv(dir);
  return dir;
}

/** The venv's site-packages directory (POSIX layout). */
export function sitePackages(venv: string): string {
  const [lib] = readdirSync(join(venv, "lib")).filter((n) => n.startsWith("python"));
  return join(venv, "lib", lib, "site-packages");
}

/** The venv's .dist-info directories, sorted, leaving out pip and setuptools. */
export function distInfos(venv: string): string[] {
  return readdirSync(sitePackages(venv))
    .filter((n) => n.endsWith(".dist-info") && !/^(pip|setuptools)-/.test(n))
    .sort();
}

/** The --json report of a run that must have succeeded. */
export function report(ran: Ran): InstallJson {
  expect(ran.code, ran.stderr).toBe(0);
  return JSON.parse(ran.stdout) as InstallJson;
}

/** "name version" of each entry, sorted. */
export function nameVersions(list: { name: string; version: string }[]): string[] {
  return list.map((p) => `${p.name} ${p.version}`).sort();
}

/**
 * A Python installation that is not a venv, with PEP 668's marker in its stdlib dir: a copy of
 * the interpreter binary in a new prefix whose lib/pythonX.Y links every stdlib entry (so the
 * real installation is never touched), made at `root/name`; with `marker`, PEP 668's marker. A
 * venv cannot stand in: the marker does not count in one, and a venv's stdlib dir is the base
 * installation's.
 */
export function pythonCopy(root: string, name: string, marker: boolean): string {
  const probe = execFileSync(
    "python3",
    [
      "-I",
      "-c",
      "import os,sys,sysconfig;print(os.path.realpath(sys.executable));print(sysconfig.get_path('stdlib'))",
    ],
    { encoding: "utf8" },
  );
  const [executable, stdlib] = probe.trim().split("\n");
  const prefix = join(root, name);
  const lib = join(prefix, "lib", basename(stdlib));
  mkdirSync(join(prefix, "bin"), { recursive: true });
  mkdirSync(join(lib, "site-packages"), { recursive: true });
  copyFileSync(executable, join(prefix, "bin", "python3"));
  for (const entry of readdirSync(stdlib)) {
    if (entry !== "site-packages" && entry !== "EXTERNALLY-MANAGED")
      symlinkSync(join(stdlib, entry), join(lib, entry));
  }
  if (marker) writeMarker(lib);
  const python = join(prefix, "bin", "python3");
  const check = execFileSync(
    python,
    [
      "-I",
      "-c",
      "import sys,sysconfig;print(sys.prefix==sys.base_prefix, sysconfig.get_path('stdlib'))",
    ],
    {
      encoding: "utf8",
    },
  );
  expect(check.trim()).toBe(`True ${lib}`);
  return python;
}

/** Put PEP 668's EXTERNALLY-MANAGED marker (with an Error text) in the stdlib dir `lib`. */
export function writeMarker(lib: string): void {
  writeFileSync(
    join(lib, "EXTERNALLY-MANAGED"),
    "[externally-managed]\nError=This Python belongs to the test suite; use a venv.\n",
  );
}
