// Line-level mechanics of pip's requirements file format: joining continuation lines, dropping
// comments, expanding ${VAR}, splitting a line into requirement and options, and reading options
// the way pip's optparse does. Used by requirements-txt.ts.
// Spec: https://pip.pypa.io/en/stable/reference/requirements-file-format/
// Traps (pip's behaviour, kept on purpose):
// - A line ending in "\" joins the next one unless it is a comment line; the backslashes at both
//   ends of each joined piece are dropped.
// - A comment starts at "#" at the line start or after whitespace, so "url#egg=x" keeps its fragment.
// - ${VAR} expands only for upper-case POSIX names, and unset (or empty) variables stay as written.
// - The line splits on single spaces: the words before the first word that starts with "-" are the
//   requirement; the rest is shell-quoted options.

import { quote, type WheelhouseError } from "./errors.js";

/** Builds the error for the current line: why it is wrong, a hint, and optionally code and cause. */
export type Fail = (why: string, hint: string, code?: string, cause?: unknown) => WheelhouseError;

/** One logical line: its text after preprocessing and its first physical line (1-based). */
export interface LogicalLine {
  line: number;
  text: string;
}

export type OptionName =
  | "requirement"
  | "constraint"
  | "editable"
  | "index-url"
  | "extra-index-url"
  | "find-links"
  | "no-index"
  | "no-binary"
  | "only-binary"
  | "prefer-binary"
  | "pre"
  | "require-hashes"
  | "trusted-host"
  | "hash";

/** Options wheelhouse understands: long name -> [short name, takes a value]. */
export const OPTIONS: Record<OptionName, [string | undefined, boolean]> = {
  requirement: ["r", true],
  constraint: ["c", true],
  editable: ["e", true],
  "index-url": ["i", true],
  "extra-index-url": [undefined, true],
  "find-links": ["f", true],
  "no-index": [undefined, false],
  "no-binary": [undefined, true],
  "only-binary": [undefined, true],
  "prefer-binary": [undefined, false],
  pre: [undefined, false],
  "require-hashes": [undefined, false],
  "trusted-host": [undefined, true],
  hash: [undefined, true],
};

/** Options pip accepts in requirements files that wheelhouse refuses rather than ignores. */
const REFUSED = ["config-settings", "global-option", "install-option", "use-feature", "C"];

export /** Join continuations, drop comments and blank lines, expand ${VAR}: pip's preprocessing. */
function logicalLines(text: string, env: Record<string, string> | undefined): LogicalLine[] {
  const joined: LogicalLine[] = [];
  let pending: string[] = [];
  let first = 0;
  // Python's str.splitlines(), which pip uses: \v, \f, \x1c-\x1e, \x85, \u2028, \u2029 end lines too.
  text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).forEach((raw, index) => {
    const comment = /^\s*#/.test(raw);
    if (!raw.endsWith("\\") || comment) {
      const piece = comment ? ` ${raw}` : raw;
      if (pending.length > 0) {
        joined.push({ line: first, text: [...pending, piece].join("") });
        pending = [];
      } else joined.push({ line: index + 1, text: piece });
    } else {
      if (pending.length === 0) first = index + 1;
      pending.push(raw.replace(/^\\+|\\+$/g, ""));
    }
  });
  if (pending.length > 0) joined.push({ line: first, text: pending.join("") });
  const lines: LogicalLine[] = [];
  for (const { line, text: raw } of joined) {
    let content = raw.replace(/(^|\s+)#.*$/, "").trim();
    if (content === "") continue;
    if (env) content = content.replace(/\$\{([A-Z0-9_]+)\}/g, (all, name) => env[name] || all);
    lines.push({ line, text: content });
  }
  return lines;
}

/** pip's break_args_options: words before the first word starting with "-" are the requirement. */
export function splitArgsOptions(line: string): { args: string; rest: string } {
  const words = line.split(" ");
  const index = words.findIndex((word) => word.startsWith("-"));
  if (index < 0) return { args: line, rest: "" };
  return { args: words.slice(0, index).join(" ").trim(), rest: words.slice(index).join(" ") };
}

/** Parse option words the way optparse does (long options may be abbreviated when unique). */
export function parseOptions(rest: string, fail: Fail): [OptionName, string][] {
  const words = shellSplit(rest, fail);
  const out: [OptionName, string][] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    let name: OptionName | undefined;
    let value: string | undefined;
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const given = eq < 0 ? word.slice(2) : word.slice(2, eq);
      if (eq >= 0) value = word.slice(eq + 1);
      refuse(given, fail);
      const names = Object.keys(OPTIONS) as OptionName[];
      const matches = names.includes(given as OptionName)
        ? [given as OptionName]
        : names.filter((n) => n.startsWith(given));
      // An abbreviation must be unique among every long option pip knows here, the refused
      // ones too (`--c` could be --constraint or --config-settings: pip calls it ambiguous).
      const refusedToo = REFUSED.filter((n) => n.length > 1 && n.startsWith(given));
      if (given === "" || matches.length !== 1 || (matches[0] !== given && refusedToo.length > 0)) {
        throw fail(`option ${quote(`--${given}`)} is not understood`, SUPPORTED_HINT);
      }
      name = matches[0];
    } else if (word.startsWith("-") && word.length > 1) {
      const short = word[1];
      refuse(short, fail);
      name = (Object.keys(OPTIONS) as OptionName[]).find((n) => OPTIONS[n][0] === short);
      if (name === undefined)
        throw fail(`option ${quote(`-${short}`)} is not understood`, SUPPORTED_HINT);
      if (word.length > 2) value = word.slice(2);
    } else {
      throw fail(
        `${quote(word)} is not an option`,
        "a requirement must come before the options on its line",
      );
    }
    const takesValue = OPTIONS[name][1];
    if (takesValue && value === undefined) {
      value = words[++i];
      if (value === undefined) throw fail(`option --${name} needs a value`, SUPPORTED_HINT);
    } else if (!takesValue && value !== undefined) {
      throw fail(`option --${name} takes no value`, SUPPORTED_HINT);
    }
    out.push([name, value ?? ""]);
  }
  return out;
}

const SUPPORTED_HINT =
  "understood options: -r, -c, -i/--index-url, --extra-index-url, -f/--find-links, --no-index, " +
  "--no-binary, --only-binary, --prefer-binary, --pre, --require-hashes, --trusted-host, --hash";

function refuse(option: string, fail: Fail): void {
  if (REFUSED.includes(option)) {
    const shown = option.length === 1 ? `-${option}` : `--${option}`;
    throw fail(
      `option ${shown} is not supported by wheelhouse`,
      "remove it; wheelhouse installs wheels only",
    );
  }
}

/** POSIX shell word splitting (shlex.split): quotes and backslash escapes, no expansion. */
function shellSplit(s: string, fail: Fail): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === " " || c === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      const end = c === "'" ? s.indexOf("'", i + 1) : closingDoubleQuote(s, i + 1);
      if (end < 0) throw fail("a quote is never closed", "close the quote or escape it with \\");
      let inner = s.slice(i + 1, end);
      if (c === '"') inner = inner.replace(/\\([\\"$`])/g, "$1");
      word = (word ?? "") + inner;
      i = end;
    } else if (c === "\\" && i + 1 < s.length) {
      word = (word ?? "") + s[++i];
    } else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

function closingDoubleQuote(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}
