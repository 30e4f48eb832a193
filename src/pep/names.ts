// Project names: validation and PEP 503 normalization.
// Spec: https://packaging.python.org/en/latest/specifications/name-normalization/
// Trap: runs of "-", "_" and "." collapse to a single "-", and case folds; a valid name starts
// and ends with a letter or digit.

import { quote, WheelhouseError } from "./errors.js";

const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** True when `name` is a valid project name per the name-normalization spec. */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}

/**
 * PEP 503 normalized form of a project name: lower case, runs of `-_.` replaced by one `-`.
 * With `{ validate: false }` any string is normalized the same way without a check, as
 * packaging's `canonicalize_name(name)` ("_not_legal" -> "-not-legal"); wheel filenames need
 * this for the non-ASCII names packaging accepts there.
 * @throws WheelhouseError code "INVALID_NAME" when validating and `name` is not a valid name.
 */
export function canonicalizeName(name: string, options: { validate?: boolean } = {}): string {
  if (options.validate !== false && !isValidName(name)) {
    throw new WheelhouseError("INVALID_NAME", `project name ${quote(name)} is invalid`, {
      hint: "a name is letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
    });
  }
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

const NORMALIZED_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * True when `name` is a valid name already in normalized form ("foo-bar", not "Foo_Bar", nor
 * "-foo", which canonicalizes to itself but is not a valid name).
 */
export function isNormalizedName(name: string): boolean {
  return NORMALIZED_NAME.test(name);
}

/**
 * The form used in wheel and sdist filenames (PEP 427 / binary distribution format):
 * the canonical name with "-" replaced by "_".
 */
export function filenameName(name: string): string {
  return canonicalizeName(name).replace(/-/g, "_");
}
