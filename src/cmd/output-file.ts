// Files a command writes besides the store (--lock, --requirements-out, --report): checked before
// any work starts, written whole or not at all.

import { existsSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { quote, WheelhouseError } from "../pep/errors.js";

/**
 * Check that `path`, given to `flag`, can be written later: its folder exists.
 * @throws WheelhouseError "USAGE_INVALID_OPTION" naming the flag, the path and the folder.
 */
export function checkOutputFolder(flag: string, path: string): void {
  if (!existsSync(dirname(resolve(path)))) {
    throw new WheelhouseError(
      "USAGE_INVALID_OPTION",
      `${flag} ${quote(path)}: the folder ${quote(dirname(path))} does not exist`,
      { hint: "create it first, or write somewhere else" },
    );
  }
}

/**
 * Write `data` to `path` through a temporary name beside it and a rename, so an interrupted run
 * never leaves a cut-off file where the old one was.
 * @throws WheelhouseError "OUTPUT_WRITE_FAILED" naming the file; `hint` says what is kept.
 */
export async function writeOutputFile(path: string, data: string, hint: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true });
    throw new WheelhouseError(
      "OUTPUT_WRITE_FAILED",
      `${quote(path)} could not be written: ${(cause as Error).message}`,
      { cause, hint },
    );
  }
}

/**
 * The `--report` value of a command, checked before any work: "-" (stdout) may not go with
 * `--json`, which prints there too; a file's folder must exist.
 * @throws WheelhouseError "USAGE_CONFLICT" for "-" with `--json`; checkOutputFolder's error.
 */
export function reportOption(value: string | undefined, json: boolean): string | undefined {
  if (value === "-" && json) {
    throw new WheelhouseError("USAGE_CONFLICT", "--report - and --json both write to stdout", {
      hint: "give --report a file name, or leave out --json",
    });
  }
  if (value !== undefined && value !== "-") checkOutputFolder("--report", value);
  return value;
}

/**
 * Write pip's installation report `report` (pretty JSON) to `path`, or to stdout for "-".
 * Resolves to whether a file was written (for a "wrote" line).
 * @throws WheelhouseError "OUTPUT_WRITE_FAILED" (see writeOutputFile), with `hint`.
 */
export async function writeReport(path: string, report: unknown, hint: string): Promise<boolean> {
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (path === "-") {
    process.stdout.write(text);
    return false;
  }
  await writeOutputFile(path, text, hint);
  return true;
}
