// TOML text for pylock.toml's writer: inline values, keys, and the stable text order the writer
// sorts by. Spec: https://toml.io/en/v1.0.0
// Traps: JSON string escapes are valid TOML escapes except that DEL must be escaped too, and a
// lone surrogate cannot be written at all (it becomes U+FFFD); JS numbers have no int/float split.

import { quote, WheelhouseError } from "./errors.js";

/** `key = [` then one item per line, each followed by a comma, then `]`. */
export function multiline(key: string, items: string[]): string {
  return `${tomlKey(key)} = [\n${items.map((item) => `  ${item},\n`).join("")}]`;
}

/** A bare key when the key allows it, else a quoted one. */
export function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k);
}

/** A TOML inline value: basic strings, integers/floats, booleans, datetimes, arrays, inline tables. */
export function tomlValue(v: unknown): string {
  if (typeof v === "string") return tomlString(v);
  if (typeof v === "boolean") return String(v);
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    return String(v); // JS has no int/float split: 1.0 is written as the integer 1
  }
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`).join(", ")} }`;
  }
  throw new WheelhouseError(
    "INVALID_PYLOCK",
    `value ${quote(String(v))} cannot be written as TOML`,
  );
}

/** TOML basic string: JSON escapes are valid TOML escapes, except that DEL must be escaped too. */
function tomlString(s: string): string {
  return JSON.stringify(s.replace(/[\uD800-\uDFFF]/gu, "\uFFFD")).replace(/\x7f/g, "\\u007f");
}

/** Deterministic, locale-free comparison where digit runs compare as numbers ("1.10" > "1.9"). */
export function compareText(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length || (a < b ? -1 : a > b ? 1 : 0);
}
