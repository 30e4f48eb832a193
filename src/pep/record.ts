// The RECORD file of a wheel / installed distribution: one CSV row per file, `path,hash,size`.
// Spec: https://packaging.python.org/en/latest/specifications/recording-installed-packages/#the-record-file
// Traps:
// - It is real CSV as Python's csv module writes it: a field holding a comma, a quote, \r or \n
//   is quoted and inner quotes are doubled; paths with commas exist in the wild.
// - The hash is `<algorithm>=<digest>` with the digest in urlsafe base64 WITHOUT padding, not hex.
// - RECORD's own row (and .pyc rows) leave hash and size empty.

import { quote, WheelhouseError } from "./errors.js";

/** One row of a RECORD file. `digest` is urlsafe base64 without padding; `size` is in bytes. */
export interface RecordEntry {
  path: string;
  hash?: { algorithm: string; digest: string };
  size?: number;
}

/**
 * Parse RECORD text (CSV, `\n` or `\r\n` line endings; blank lines ignored).
 * @throws WheelhouseError code "INVALID_RECORD" naming the line: unterminated quote, more than
 *   three fields, an empty path, a hash without "=", or a size that is not a decimal integer.
 */
export function parseRecord(text: string): RecordEntry[] {
  const entries: RecordEntry[] = [];
  for (const { fields, line, raw } of readCsv(text)) {
    if (fields.length === 1 && fields[0] === "") continue;
    const fail = (why: string) =>
      new WheelhouseError(
        "INVALID_RECORD",
        `RECORD line ${line} ${quote(raw)} is invalid: ${why}`,
        {
          hint: "each RECORD row is path,algorithm=urlsafe-base64-digest,size (hash and size may be empty)",
        },
      );
    if (fields.length > 3) throw fail(`it has ${fields.length} fields, expected 3`);
    const [path, hash = "", size = ""] = fields;
    if (path === "") throw fail("the path is empty");
    const entry: RecordEntry = { path };
    if (hash !== "") {
      const eq = hash.indexOf("=");
      if (eq <= 0 || eq === hash.length - 1)
        throw fail(`the hash ${quote(hash)} is not algorithm=digest`);
      entry.hash = { algorithm: hash.slice(0, eq), digest: hash.slice(eq + 1) };
    }
    if (size !== "") {
      if (!/^\d+$/.test(size)) throw fail(`the size ${quote(size)} is not a number of bytes`);
      entry.size = Number(size);
    }
    entries.push(entry);
  }
  return entries;
}

/**
 * Format entries as RECORD text: CSV with `\n` line endings (one after every row), quoting a field
 * only when it holds a comma, a quote, `\r` or `\n`, as Python's csv module (QUOTE_MINIMAL) does.
 */
export function formatRecord(entries: RecordEntry[]): string {
  return entries
    .map((entry) => {
      const hash = entry.hash ? `${entry.hash.algorithm}=${entry.hash.digest}` : "";
      const size = entry.size === undefined ? "" : String(entry.size);
      return `${[entry.path, hash, size].map(csvField).join(",")}\n`;
    })
    .join("");
}

/**
 * RECORD hash from a hex sha256 digest: `"sha256=<urlsafe-base64-without-padding>"`.
 * @throws WheelhouseError code "INVALID_HASH" when `sha256Hex` is not 64 hex digits.
 */
export function recordDigest(sha256Hex: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(sha256Hex)) {
    throw new WheelhouseError("INVALID_HASH", `sha256 ${quote(sha256Hex)} is not 64 hex digits`);
  }
  return `sha256=${Buffer.from(sha256Hex, "hex").toString("base64url")}`;
}

/**
 * Inverse of {@link recordDigest}: lower-case hex from a RECORD hash (`"sha256=..."`) or a bare
 * urlsafe base64 digest (padding tolerated).
 * @throws WheelhouseError code "INVALID_HASH" when the digest is not base64 of 32 bytes, or the
 *   algorithm is not sha256.
 */
export function recordHexDigest(recordHash: string): string {
  let digest = recordHash;
  const eq = recordHash.indexOf("=");
  if (eq > 0 && /^[a-z0-9_]+$/i.test(recordHash.slice(0, eq))) {
    const algorithm = recordHash.slice(0, eq);
    if (algorithm.toLowerCase() !== "sha256") {
      throw new WheelhouseError("INVALID_HASH", `RECORD hash ${quote(recordHash)} is not sha256`);
    }
    digest = recordHash.slice(eq + 1);
  }
  const bytes = Buffer.from(digest.replace(/=+$/, ""), "base64url");
  if (!/^[A-Za-z0-9_-]{43}=?$/.test(digest) || bytes.length !== 32) {
    throw new WheelhouseError(
      "INVALID_HASH",
      `RECORD hash ${quote(recordHash)} is not an urlsafe base64 sha256 digest`,
    );
  }
  return bytes.toString("hex");
}

function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

interface CsvRow {
  fields: string[];
  /** 1-based line where the row starts. */
  line: number;
  raw: string;
}

/**
 * Split CSV text into rows (excel dialect: `"` quotes a field that starts with it, `""` escapes a
 * quote inside, any newline outside quotes ends a row). Fields are sliced out whole, not built a
 * character at a time: a RECORD has thousands of fields, and per-character appends made 4 MB of
 * short-lived strings for the corpus closure's RECORDs.
 * @throws WheelhouseError "INVALID_RECORD" for a quoted field never closed.
 */
function readCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const n = text.length;
  /** Index of the first `,`, `\r` or `\n` at or after `from`, or n. */
  const plainEnd = (from: number) => {
    let j = from;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === 44 || c === 10 || c === 13) break;
    }
    return j;
  };
  let line = 1;
  let i = 0;
  while (i < n) {
    const start = i;
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field = "";
      if (text.charCodeAt(i) === 34) {
        // A quoted field; what follows its closing quote up to the next comma is kept as text.
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            throw new WheelhouseError(
              "INVALID_RECORD",
              `RECORD line ${startLine} ${quote(text.slice(start, start + 200))} is invalid: a quoted field is never closed`,
            );
          }
          field += text.slice(i, q);
          for (let k = text.indexOf("\n", i); k >= 0 && k < q; k = text.indexOf("\n", k + 1))
            line++;
          if (text.charCodeAt(q + 1) === 34) {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
      }
      const end = plainEnd(i);
      field = field === "" ? text.slice(i, end) : field + text.slice(i, end);
      i = end;
      fields.push(field);
      if (i < n && text.charCodeAt(i) === 44) i++;
      else break;
    }
    const raw = text.slice(start, i);
    if (text[i] === "\r" && text[i + 1] === "\n") i++;
    i++;
    line++;
    rows.push({ fields, line: startLine, raw });
  }
  return rows;
}
