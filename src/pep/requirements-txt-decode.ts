// The text of a requirements file's bytes, decoded the way pip 23.2 decodes it (auto_decode).
// Spec: pip's behaviour (pip/_internal/utils/encoding.py); PEP 263 for the coding comment,
// https://peps.python.org/pep-0263/
// Traps:
// - A byte order mark decides first: UTF-8, UTF-16 and UTF-32 in either byte order. Windows
//   PowerShell's `pip freeze > requirements.txt` writes UTF-16 LE with a BOM, which pip reads.
// - Otherwise a line starting with "#" among the first two that holds `coding:` or `coding=`
//   names the encoding (pip looks for "coding" anywhere in the line, not only in -*- form).
// - Otherwise UTF-8 (pip takes the locale's encoding, UTF-8 on the systems wheelhouse targets).
//   Bytes that do not decode become U+FFFD instead of failing as Python's strict codecs do.

import { quote, WheelhouseError } from "./errors.js";

const CODING = /coding[:=][ \t\n\r\f\v]*([-\w.]+)/;

/**
 * Decode the bytes of a requirements file: BOM, then a PEP 263 coding comment in the first two
 * lines, then UTF-8.
 * @throws WheelhouseError "INVALID_REQUIREMENTS_FILE" when the coding comment names an encoding
 *   that is not known (pip fails with LookupError there too).
 */
export function decodeRequirementsTxt(bytes: Uint8Array, file = "requirements.txt"): string {
  const starts = (...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  if (starts(0xef, 0xbb, 0xbf)) return decode("utf-8", bytes.subarray(3));
  // UTF-32 LE before UTF-16 LE: its BOM starts with the UTF-16 LE one.
  if (starts(0xff, 0xfe, 0x00, 0x00)) return decodeUtf32(bytes.subarray(4), true);
  if (starts(0x00, 0x00, 0xfe, 0xff)) return decodeUtf32(bytes.subarray(4), false);
  if (starts(0xff, 0xfe)) return decode("utf-16le", bytes.subarray(2));
  if (starts(0xfe, 0xff)) return decode("utf-16be", bytes.subarray(2));
  const head = bytes.subarray(0, 2048);
  const lines = new TextDecoder("latin1").decode(head).split("\n").slice(0, 2);
  for (const line of lines) {
    const coding = line.startsWith("#") ? CODING.exec(line)?.[1] : undefined;
    if (coding === undefined) continue;
    const normalized = coding.toLowerCase().replace(/_/g, "-");
    if (/^utf-?32/.test(normalized)) return decodeUtf32(bytes, !normalized.endsWith("be"));
    const label = ENCODING_ALIASES[normalized] ?? coding;
    if (label === "latin1") return decodeSingleByte(bytes, "");
    if (label === "cp1252" || label === "windows-1252") return decodeSingleByte(bytes, CP1252);
    try {
      return decode(label, bytes);
    } catch (cause) {
      throw new WheelhouseError(
        "INVALID_REQUIREMENTS_FILE",
        `${file}: encoding ${quote(coding)} named by its coding comment is not known`,
        { hint: "save the file as UTF-8 and remove the coding comment", cause },
      );
    }
  }
  return decode("utf-8", bytes);
}

/** Python codec names that WHATWG TextDecoder labels spell differently. */
const ENCODING_ALIASES: Record<string, string> = {
  "latin-1": "latin1",
  latin: "latin1",
  l1: "latin1",
  "iso-8859-1": "latin1",
  "iso8859-1": "latin1",
  "8859": "latin1",
  cp819: "latin1",
  "windows-1252": "cp1252",
  "utf-8-sig": "utf-8",
  u8: "utf-8",
  utf: "utf-8",
  "utf8-sig": "utf-8",
  "utf-16-le": "utf-16le",
  "utf-16-be": "utf-16be",
};

/**
 * Bytes 0x80-0x9f of cp1252 as Python decodes them (U+FFFD where Python's codec fails), generated
 * with: python3 -c "print([bytes([b]).decode('cp1252', 'replace') for b in range(0x80, 0xa0)])"
 */
const CP1252 =
  "\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd" +
  "\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178";

/**
 * Python's latin-1 (every byte is its code point), or cp1252 with `high` for 0x80-0x9f. Not
 * TextDecoder: its "latin1" label means windows-1252, and Node 20 decodes that as plain latin-1.
 */
function decodeSingleByte(bytes: Uint8Array, high: string): string {
  let out = "";
  for (const b of bytes)
    out += high !== "" && b >= 0x80 && b < 0xa0 ? high[b - 0x80] : String.fromCharCode(b);
  return out;
}

function decode(label: string, bytes: Uint8Array): string {
  // ignoreBOM keeps a second BOM as U+FEFF text, as Python's decode after the first one does.
  return new TextDecoder(label, { ignoreBOM: true }).decode(bytes);
}

/** TextDecoder has no UTF-32; code points outside Unicode become U+FFFD. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = "";
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const code = view.getUint32(i, littleEndian);
    const surrogate = code >= 0xd800 && code <= 0xdfff;
    out += code > 0x10ffff || surrogate ? "\uFFFD" : String.fromCodePoint(code);
  }
  if (bytes.length % 4 !== 0) out += "\uFFFD";
  return out;
}
