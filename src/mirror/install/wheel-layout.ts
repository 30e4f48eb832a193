// What a wheel must be before any of its files is looked at: one `.dist-info` folder named after
// its project, holding WHEEL and RECORD, and a Wheel-Version this installer reads.
// Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// Traps:
// - A second top-level `.dist-info` (a vendored one) would install as a distribution of its
//   own: pip refuses such a wheel, and so does this.
// - The dist-info's name may be spelled unlike the filename's (`Foo.Bar-1.0.dist-info` in
//   `foo_bar-1.0-...whl`): names are compared canonicalized.
// - Wheel-Version is compared as a tuple of numbers, as pip does: 0.x installs, 1.x past 1.0
//   warns, 2 and above fail.

import { quote, WheelhouseError } from "../../pep/errors.js";
import { canonicalizeName } from "../../pep/names.js";

/** An error about wheel `filename`: `wheel "<filename>" <why>`. */
export function fail(code: string, filename: string, why: string, hint?: string): WheelhouseError {
  return new WheelhouseError(code, `wheel ${quote(filename)} ${why}`, {
    hint: hint ?? "the wheel is damaged or unsafe; rebuild or re-download it",
  });
}

/**
 * The `<name>-<version>.dist-info` top folder of a wheel whose member names are `names`; its
 * name must match the filename's `project`.
 * @throws WheelhouseError "INVALID_WHEEL": several .dist-info folders, none for the project, no
 *   WHEEL or no RECORD in it.
 */
export function findDistInfo(names: string[], project: string, filename: string): string {
  const folders = new Set<string>();
  for (const n of names) {
    const m = /^([^/]+\.dist-info)\//.exec(n);
    if (m) folders.add(m[1]);
  }
  if (folders.size > 1)
    throw fail(
      "INVALID_WHEEL",
      filename,
      `has several .dist-info folders: ${[...folders].sort().join(", ")}`,
    );
  const [found] = folders;
  const dash = found?.lastIndexOf("-", found.length - ".dist-info".length - 1) ?? -1;
  if (
    dash <= 0 ||
    canonicalizeName(found.slice(0, dash), { validate: false }) !==
      canonicalizeName(project, { validate: false })
  ) {
    throw fail("INVALID_WHEEL", filename, "has no .dist-info folder for its project");
  }
  for (const file of ["WHEEL", "RECORD"]) {
    if (!names.includes(`${found}/${file}`))
      throw fail("INVALID_WHEEL", filename, `has no ${found}/${file}`);
  }
  return found;
}

/**
 * Check the Wheel-Version of WHEEL text `wheelText`. The wheel spec: an installer "must fail if
 * a wheel's major version is greater than the version it supports" (1.0) and "should warn" if
 * only the minor is. Resolves to that warning, or undefined.
 * @throws WheelhouseError "INVALID_WHEEL": no Wheel-Version, one that is not numbers, or 2+.
 */
export function checkWheelVersion(wheelText: string, filename: string): string | undefined {
  const value = /^Wheel-Version:[ \t]*(.*?)\s*$/im.exec(wheelText)?.[1];
  const parts = value?.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN)) ?? [];
  if (value === undefined || parts.some((n) => Number.isNaN(n))) {
    throw fail(
      "INVALID_WHEEL",
      filename,
      `has Wheel-Version ${quote(value ?? "(none)")}, which is not a version`,
    );
  }
  if (parts[0] > 1) {
    throw fail(
      "INVALID_WHEEL",
      filename,
      `has Wheel-Version ${quote(value)}; only 1.x is installable`,
      "install it with an installer that supports this Wheel-Version",
    );
  }
  if (parts[0] === 1 && parts.slice(1).some((n) => n > 0)) {
    return (
      `wheel ${quote(filename)} has Wheel-Version ${quote(value)}, newer than the 1.0 ` +
      "this installer supports; installing it anyway"
    );
  }
  return undefined;
}
