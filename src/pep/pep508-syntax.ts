// The PEP 508 scanner and marker grammar shared by marker.ts and requirement.ts, following the
// grammar as packaging 26.3 reads it. Internal to src/pep: not re-exported from the package index.
// Spec: https://packaging.python.org/en/latest/specifications/dependency-specifiers/
// Traps: `\b` and `\s` follow Python's Unicode rules, not JavaScript's ASCII ones; the end of input
// is the true end (a trailing "\n" is an error, unlike Python's `$`); quoted strings are Python
// string literals, so their escapes ("\x41", "\n", "\u00e9") are decoded and a dangling "\" is an
// error; the specifier pattern is case-insensitive for ASCII letters only.

import { quote, WheelhouseError } from "./errors.js";
import type {
  Marker,
  MarkerComparison,
  MarkerGroup,
  MarkerOperand,
  MarkerOperator,
} from "./marker.js";

/** Python's `\w`: letters, numbers and "_" in any script. */
const W = "[\\p{L}\\p{N}_]";
/** Python's `\s` for str patterns (str.isspace). */
const S =
  "[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
/** The same two classes restricted to ASCII: identical on a source without other characters. */
const W_ASCII = "[A-Za-z0-9_]";
const S_ASCII = "[\\t\\n\\v\\f\\r\\x1c-\\x1f ]";

const PRE = "(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)";
const POST = "(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))";
const DEV = "(?:[-_.]?dev[-_.]?[0-9]*)";
const LOCAL = "(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)";
const RELEASE = "(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*";

const VARIABLE = [
  "python_version",
  "python_full_version",
  "os[._]name",
  "sys[._]platform",
  "platform_(?:release|system)",
  "platform[._](?:version|machine|python_implementation)",
  "python_implementation",
  "implementation_(?:name|version)",
  "extras?",
  "dependency_groups",
].join("|");

/**
 * Token patterns over word class `w` and space class `s`, all anchored at the scan position
 * (sticky); `unicode` adds the "u" flag that `\\p{...}` classes need.
 */
function tokens(w: string, s: string, unicode: boolean) {
  /** Python's `\b`: a boundary between a word character and anything else (or an edge). */
  const b = `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
  const u = unicode ? "u" : "";
  const specifier = [
    `===${s}*[^${s.slice(1, -1)};)]*`,
    `(?:==|!=)${s}*v?${RELEASE}(?:\\.\\*|${PRE}?${POST}?${DEV}?${LOCAL}?)?`,
    `~=${s}*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}?${POST}?${DEV}?`,
    `(?:<=|>=|<|>)${s}*v?${RELEASE}${PRE}?${POST}?${DEV}?`,
  ].join("|");
  return {
    LEFT_PARENTHESIS: /\(/y,
    RIGHT_PARENTHESIS: /\)/y,
    LEFT_BRACKET: /\[/y,
    RIGHT_BRACKET: /\]/y,
    SEMICOLON: /;/y,
    COMMA: /,/y,
    QUOTED_STRING: /'[^']*'|"[^"]*"/y,
    OP: /===|==|~=|!=|<=|>=|<|>/y,
    BOOLOP: new RegExp(`${b}(?:or|and)${b}`, `${u}y`),
    IN: new RegExp(`${b}in${b}`, `${u}y`),
    NOT: new RegExp(`${b}not${b}`, `${u}y`),
    VARIABLE: new RegExp(`${b}(?:${VARIABLE})${b}`, `${u}y`),
    SPECIFIER: new RegExp(`(?:${specifier})`, "iy"),
    AT: /@/y,
    URL: /[^ \t]+/y,
    IDENTIFIER: new RegExp(`${b}[a-zA-Z0-9][a-zA-Z0-9._-]*${b}`, `${u}y`),
    VERSION_PREFIX_TRAIL: /\.\*/y,
    VERSION_LOCAL_LABEL_TRAIL: /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/y,
    WS: /[ \t]+/y,
  } as const;
}

type Tokens = ReturnType<typeof tokens>;
let unicodeTokens: Tokens | undefined;
/** Token patterns with Python's Unicode `\\w`, `\\b` and `\\s` (built on first use). */
function unicodeTokenSet(): Tokens {
  unicodeTokens ??= tokens(W, S, true);
  return unicodeTokens;
}
/**
 * The same patterns for a source that is all ASCII, where they match exactly as the Unicode set does;
 * V8 runs them several times faster (no Unicode property classes in lookbehinds).
 */
const ASCII_TOKENS: Tokens = tokens(W_ASCII, S_ASCII, false);

export type TokenName = keyof Tokens | "END";

/** A syntax error found by the scanner: what was expected and the span of input it covers. */
export class SyntaxProblem extends Error {
  constructor(
    readonly problem: string,
    readonly source: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(problem);
  }

  /** packaging's two-line picture: the source, then "~" under the span and "^" at its end. */
  picture(): string {
    return `${this.source}\n${" ".repeat(this.start)}${"~".repeat(this.end - this.start)}^`;
  }
}

/** A cursor over the source that reads one token kind at a time (context-sensitive lexing). */
export class Scanner {
  position = 0;
  private readonly patterns: Tokens;

  constructor(readonly source: string) {
    this.patterns = /^[\x00-\x7f]*$/.test(source) ? ASCII_TOKENS : unicodeTokenSet();
  }

  /** The text of token `name` at the cursor, or null; never moves the cursor. */
  peek(name: TokenName): string | null {
    if (name === "END") return this.position === this.source.length ? "" : null;
    const pattern = this.patterns[name];
    pattern.lastIndex = this.position;
    const match = pattern.exec(this.source);
    return match === null ? null : match[0];
  }

  /** Read token `name` if it is next; returns its text or null. */
  take(name: TokenName): string | null {
    const text = this.peek(name);
    if (text !== null) this.position += text.length;
    return text;
  }

  /** Read token `name` or fail with "Expected <expected>". */
  expect(name: TokenName, expected: string): string {
    const text = this.take(name);
    if (text === null) this.fail(`Expected ${expected}`);
    return text;
  }

  fail(problem: string, start = this.position, end = this.position): never {
    throw new SyntaxProblem(problem, this.source, start, end);
  }

  /**
   * Parse `inner` between `open` and `close` when the next token is `open`; the closing token
   * is then mandatory. Without `open`, `inner` runs bare.
   */
  enclosed<T>(open: TokenName, close: TokenName, around: string, inner: () => T): T {
    const start = this.position;
    const opened = this.take(open) !== null;
    const result = inner();
    if (opened && this.take(close) === null) {
      this.fail(`Expected matching ${close} for ${open}, after ${around}`, start);
    }
    return result;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

/**
 * Decode a quoted-string token as Python's `ast.literal_eval` would, or return null when Python
 * rejects it (dangling backslash, bad \x/\u/\U escape, raw line break or NUL, `\N{...}`).
 */
export function decodePythonString(token: string): string | null {
  const body = token.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === "\n" || c === "\r" || c === "\0") return null;
    if (c !== "\\") {
      out += c;
      continue;
    }
    if (i + 1 >= body.length) return null; // the backslash escapes the closing quote
    const e = body[++i] as string;
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (e === "\r") {
      if (body[i + 1] === "\n") i++; // an escaped CRLF is one line continuation
    } else if (/[0-7]/.test(e)) {
      const digits = /^[0-7]{1,3}/.exec(body.slice(i))?.[0] as string;
      out += String.fromCodePoint(Number.parseInt(digits, 8));
      i += digits.length - 1;
    } else if (e === "x" || e === "u" || e === "U") {
      const width = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return null;
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) return null;
      out += String.fromCodePoint(code);
      i += width;
    } else if (e === "N") {
      return null; // named escapes need the Unicode name table, which we do not carry
    } else {
      out += `\\${e}`; // Python keeps unknown escapes as written (with a warning)
    }
  }
  return out;
}

/** Variables whose value is a set of names: only `"name" in var` / `not in` is defined on them. */
export const SET_VALUED = new Set(["extras", "dependency_groups"]);
const OPERATOR_LIST = "<=, <, !=, ==, >=, >, ~=, ===, in, not in";

/** PEP 503 normalization without validation, as packaging applies it to extra names. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** Turn a scanner problem into the public error, with the input quoted and the position. */
export function syntaxError(code: string, what: string, source: string, cause: unknown): never {
  if (!(cause instanceof SyntaxProblem)) throw cause;
  const where =
    cause.start === cause.end
      ? `at position ${cause.end}`
      : `at positions ${cause.start}-${cause.end}`;
  throw new WheelhouseError(
    code,
    `${what} ${quote(source)} is invalid: ${cause.problem.charAt(0).toLowerCase()}${cause.problem.slice(1)} ${where}`,
    { hint: cause.picture(), cause },
  );
}

/** marker = atom (BOOLOP atom)*; used by the requirement parser after ";". */
export function scanMarker(scanner: Scanner): MarkerGroup {
  const items: Marker[] = [scanAtom(scanner)];
  const joins: ("and" | "or")[] = [];
  for (let join = scanner.take("BOOLOP"); join !== null; join = scanner.take("BOOLOP")) {
    joins.push(join as "and" | "or");
    items.push(scanAtom(scanner));
  }
  return { kind: "group", items, joins };
}

function scanAtom(scanner: Scanner): Marker {
  scanner.take("WS");
  let atom: Marker;
  if (scanner.peek("LEFT_PARENTHESIS") !== null) {
    atom = scanner.enclosed("LEFT_PARENTHESIS", "RIGHT_PARENTHESIS", "marker expression", () => {
      scanner.take("WS");
      const inner = scanMarker(scanner);
      scanner.take("WS");
      return inner;
    });
  } else {
    atom = scanComparison(scanner);
  }
  scanner.take("WS");
  return atom;
}

function scanComparison(scanner: Scanner): MarkerComparison {
  scanner.take("WS");
  let lhs = scanOperand(scanner);
  scanner.take("WS");
  const op = scanOperator(scanner);
  scanner.take("WS");
  let rhs = scanOperand(scanner);
  scanner.take("WS");
  // Normalize the literal compared with extra / tested against a set-valued variable (PEP 685).
  if (lhs.kind === "variable" && lhs.name === "extra" && rhs.kind === "value") {
    rhs = { kind: "value", value: normalizeName(rhs.value) };
  } else if (rhs.kind === "variable" && lhs.kind === "value") {
    if (rhs.name === "extra" || SET_VALUED.has(rhs.name)) {
      lhs = { kind: "value", value: normalizeName(lhs.value) };
    }
  }
  return { kind: "comparison", lhs, op, rhs };
}

function scanOperand(scanner: Scanner): MarkerOperand {
  const variable = scanner.take("VARIABLE");
  if (variable !== null) {
    const name = variable.replace(".", "_");
    return {
      kind: "variable",
      name: name === "python_implementation" ? "platform_python_implementation" : name,
    };
  }
  const start = scanner.position;
  const token = scanner.take("QUOTED_STRING");
  if (token === null) scanner.fail("Expected a marker variable or quoted string");
  const value = decodePythonString(token);
  if (value === null) scanner.fail("Invalid quoted string", start, scanner.position);
  return { kind: "value", value };
}

function scanOperator(scanner: Scanner): MarkerOperator {
  if (scanner.take("IN") !== null) return "in";
  if (scanner.take("NOT") !== null) {
    scanner.expect("WS", "whitespace after 'not'");
    scanner.expect("IN", "'in' after 'not'");
    return "not in";
  }
  const op = scanner.take("OP");
  if (op === null) scanner.fail(`Expected marker operator, one of ${OPERATOR_LIST}`);
  return op as MarkerOperator;
}
