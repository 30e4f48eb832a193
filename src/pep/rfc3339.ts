// RFC 3339 date-times rewritten as the same instant in UTC with a "Z", as PEP 751 (pylock
// upload-time) and PEP 700 (simple API upload-time) want them.
// Specs: https://www.rfc-editor.org/rfc/rfc3339#section-5.6 ,
// https://packaging.python.org/en/latest/specifications/pylock-toml/ (upload-time in UTC)
// Traps:
// - The fraction is kept digit for digit (PyPI gives microseconds; a JS Date keeps milliseconds).
// - Date.UTC reads years 0-99 as 1900-1999, and silently rolls "02-30" into March: both checked.
// - A lower-case t/z and a space for T are RFC 3339 (section 5.6 note) and accepted.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 datetime with an offset as the same instant in UTC ("...Z"), keeping every digit
 * of the fraction (PEP 751: upload times MUST be recorded in UTC); undefined when the text is no
 * such datetime or names a day or time that does not exist ("2025-02-30", "24:00:00").
 */
export function utcDatetime(text: string): string | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  local.setUTCFullYear(year); // Date.UTC reads years 0-99 as 1900-1999
  const exists =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    local.getUTCHours() === hour &&
    local.getUTCMinutes() === minute &&
    local.getUTCSeconds() === second;
  const sign = m[8];
  const offsetHours = Number(m[9] ?? 0);
  const offsetMinutes = Number(m[10] ?? 0);
  if (!exists || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const utc = new Date(local.getTime() - offset).toISOString().slice(0, 19);
  if (!/^\d{4}-/.test(utc)) return undefined; // moved out of years 0000-9999
  return `${utc}${m[7] ?? ""}Z`;
}
