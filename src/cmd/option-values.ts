// Reading commander's loosely typed option values into what the commands need, with usage
// errors (exit code 2) that quote the flag and the value.
// Trap: repeatable options arrive as arrays, absent ones as undefined, and `--no-X` flags as
// booleans; every reader here accepts all of those.

import { existsSync } from "node:fs";
import type { PyprojectOptions } from "../mirror/pyproject-inputs.js";
import type { TargetFlags } from "../mirror/sync/targets.js";
import { quote, WheelhouseError } from "../pep/errors.js";

/** A repeatable option's values ([] when absent). */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A string option's value, undefined when absent or empty. */
export function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * A whole number >= 1 (or >= 0 with `allowZero`).
 * @throws WheelhouseError "USAGE_INVALID_OPTION" naming the flag and quoting the value.
 */
export function wholeNumber(value: unknown, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || String(value).trim() === "") {
    throw new WheelhouseError(
      "USAGE_INVALID_OPTION",
      `${flag} ${quote(String(value))} is invalid`,
      {
        hint: `${flag} takes a ${allowZero ? "non-negative" : "positive"} whole number`,
      },
    );
  }
  return n;
}

/** The process environment without unset entries (what requirement files expand `${VAR}` from). */
export function processEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

/** `--extra`, `--all-extras` and `--group` as the pyproject.toml readers take them. */
export function pyprojectOptions(options: Record<string, unknown>): PyprojectOptions {
  return {
    extras: strings(options.extra),
    allExtras: options.allExtras === true,
    groups: strings(options.group),
  };
}

/**
 * The target flags shared by sync and bundle: `--target` (repeatable), pip's four flags, or uv's
 * `--python-platform` (with MACOSX_DEPLOYMENT_TARGET from the environment, as uv reads it).
 */
export function targetFlags(options: Record<string, unknown>): TargetFlags {
  return {
    target: strings(options.target),
    pythonVersion: strings(options.pythonVersion),
    platform: strings(options.platform),
    implementation: text(options.implementation),
    abi: strings(options.abi),
    pythonPlatform: strings(options.pythonPlatform),
    macosDeploymentTarget: text(process.env.MACOSX_DEPLOYMENT_TARGET),
  };
}

/**
 * Refuse a path given on the command line that does not exist, naming what it was for.
 * @throws WheelhouseError "USAGE_FILE_NOT_FOUND".
 */
export function mustExist(path: string, what: string): void {
  if (!existsSync(path)) {
    throw new WheelhouseError("USAGE_FILE_NOT_FOUND", `${what}: ${quote(path)} does not exist`, {
      hint: "check the path",
    });
  }
}
