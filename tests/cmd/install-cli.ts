// Shared by the install CLI tests: run `wheelhouse install` with no default store leaking in,
// make fast venvs, read what a venv holds, and parse the --json report.
import { readdirSync } from "node:fs";
import { join } from "node:path";
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
