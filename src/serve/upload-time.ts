// The `upload-time` of a file as PEP 700 allows it in a JSON project page: UTC with a `Z`.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/#json-serialization
// (`upload-time`: ISO 8601 `yyyy-mm-ddThh:mm:ss.ffffffZ`, UTC, fraction optional, up to 6 digits).
// Traps:
// - The catalog keeps what the source said (RFC 3339 from an upstream page or a bundle
//   manifest), which may carry an offset (`+02:00`), a lower-case `t`/`z`, a space for `T` or
//   nanoseconds. Echoing it breaks clients that parse the field strictly, so it is rewritten.
// - PyPI gives microseconds; they are kept as written, never rounded through a JS Date
//   (milliseconds only).
// - A value that is not a date-time at all is left out: the key is optional, a wrong value is not.

import { utcDatetime } from "../pep/rfc3339.js";

const PEP700 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/**
 * Rewrite an RFC 3339 date-time as PEP 700's `yyyy-mm-ddThh:mm:ss[.ffffff]Z` in UTC.
 * "2024-05-01T14:00:00.123456+02:00" -> "2024-05-01T12:00:00.123456Z"; the fraction is cut to
 * 6 digits, never rounded.
 * @returns the rewritten value, or undefined when `value` is not a valid RFC 3339 date-time with
 *   an offset (or lands outside years 0000-9999 once in UTC).
 */
export function formatUploadTime(value: string): string | undefined {
  const utc = utcDatetime(value.trim());
  if (utc === undefined) return undefined;
  const out = utc.replace(/(\.\d{6})\d+Z$/, "$1Z");
  return PEP700.test(out) ? out : undefined;
}
