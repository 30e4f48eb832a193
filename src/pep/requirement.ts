// Dependency specifiers (PEP 508 requirements): `name [extras] (specifier | @ url) ; marker`,
// parsed and written as packaging 26.3's Requirement does.
// Spec: https://packaging.python.org/en/latest/specifications/dependency-specifiers/
// Traps:
// - A URL runs to the next space or tab, so `name @ https://x/;extra=="a"` keeps ";extra..." in
//   the URL and fails; a marker after a URL needs whitespace before ";". Writing puts " ; " there.
// - The name keeps its spelling (compare with canonicalizeName); extras are kept as written,
//   de-duplicated and sorted by code point, as packaging's str() does.
// - The specifier is the canonical set text (sorted, whitespace and parentheses dropped), "" when
//   none; a trailing comma is allowed ("name>=1,"). ".*" and "+local" suffixes after a specifier
//   that cannot take them are errors here, not separate tokens.
// - Trailing spaces and tabs are allowed; a trailing line break is not.

import { WheelhouseError } from "./errors.js";
import { formatMarker } from "./marker.js";
import { Scanner, scanMarker, syntaxError } from "./pep508-syntax.js";
import { formatSpecifierSet, parseSpecifierSet } from "./specifier.js";

/** A parsed dependency specifier, e.g. `requests[socks]>=2.8; python_version >= "3.8"`. */
export interface Requirement {
  /** The project name as written (not canonicalized). */
  name: string;
  /** Extras as written, unique, sorted by code point. */
  extras: string[];
  /** Canonical specifier set text such as "<3,>=2.8", or "" when there is none. */
  specifier: string;
  /** The direct reference of `name @ url`, as written. */
  url?: string;
  /** The canonical marker text (formatMarker), when there is a marker. */
  marker?: string;
}

/**
 * Parse a dependency specifier.
 * @throws WheelhouseError "INVALID_REQUIREMENT": the message quotes the input and says what was
 * expected at which position; the hint draws the span under the input.
 * Spec: dependency-specifiers, "Grammar".
 */
export function parseRequirement(s: string): Requirement {
  let parts = REQUIREMENTS.get(s);
  if (parts === undefined) {
    const scanner = new Scanner(s);
    try {
      parts = scanRequirement(scanner);
    } catch (error) {
      syntaxError("INVALID_REQUIREMENT", "requirement", s, error);
    }
    if (REQUIREMENTS.size >= CACHE_LIMIT) REQUIREMENTS.clear();
    REQUIREMENTS.set(s, parts);
  }
  // A copy: callers may set fields of what they get (e.g. a requirements file's marker).
  return { ...parts, extras: [...parts.extras] };
}

/**
 * Parsed requirements by source text: the same Requires-Dist lines are read for every candidate
 * release and target. Bounded: cleared when full.
 */
const REQUIREMENTS = new Map<string, Requirement>();
const CACHE_LIMIT = 10_000;

function scanRequirement(scanner: Scanner): Requirement {
  scanner.take("WS");
  const name = scanner.expect("IDENTIFIER", "package name at the start of dependency specifier");
  scanner.take("WS");
  const extras = scanExtras(scanner);
  scanner.take("WS");
  const requirement: Requirement = { name, extras: [...new Set(extras)].sort(), specifier: "" };

  if (scanner.take("AT") !== null) {
    scanner.take("WS");
    const urlStart = scanner.position;
    requirement.url = scanner.expect("URL", "URL after @");
    if (scanner.peek("END") === null) {
      scanner.expect("WS", "whitespace after URL");
      if (scanner.peek("END") === null) {
        requirement.marker = scanRequirementMarker(
          scanner,
          urlStart,
          "semicolon (after URL and whitespace)",
        );
      }
    }
  } else {
    const specifierStart = scanner.position;
    const text = scanner.enclosed(
      "LEFT_PARENTHESIS",
      "RIGHT_PARENTHESIS",
      "version specifier",
      () => {
        scanner.take("WS");
        const inner = scanSpecifiers(scanner);
        scanner.take("WS");
        return inner;
      },
    );
    requirement.specifier = canonicalSpecifier(scanner, text, specifierStart);
    scanner.take("WS");
    if (scanner.peek("END") === null) {
      const expected = text
        ? "comma (within version specifier), semicolon (after version specifier)"
        : "semicolon (after name with no version specifier)";
      requirement.marker = scanRequirementMarker(scanner, specifierStart, expected);
    }
  }
  scanner.expect("END", "end of dependency specifier");
  return requirement;
}

/** extras = "[" WS? (IDENTIFIER (WS? "," WS? IDENTIFIER)*)? WS? "]" */
function scanExtras(scanner: Scanner): string[] {
  if (scanner.peek("LEFT_BRACKET") === null) return [];
  return scanner.enclosed("LEFT_BRACKET", "RIGHT_BRACKET", "extras", () => {
    scanner.take("WS");
    const extras: string[] = [];
    const first = scanner.take("IDENTIFIER");
    if (first !== null) {
      extras.push(first);
      for (;;) {
        scanner.take("WS");
        if (scanner.peek("IDENTIFIER") !== null) scanner.fail("Expected comma between extra names");
        if (scanner.take("COMMA") === null) break;
        scanner.take("WS");
        extras.push(scanner.expect("IDENTIFIER", "extra name after comma"));
      }
    }
    scanner.take("WS");
    return extras;
  });
}

/** version_many = (SPECIFIER (WS? "," WS? SPECIFIER)*)? — returned as the raw text joined. */
function scanSpecifiers(scanner: Scanner): string {
  let text = "";
  for (;;) {
    const start = scanner.position;
    const specifier = scanner.take("SPECIFIER");
    if (specifier === null) break;
    text += specifier;
    if (scanner.peek("VERSION_PREFIX_TRAIL") !== null) {
      const equality =
        specifier.startsWith("!=") || (specifier.startsWith("==") && !specifier.startsWith("==="));
      scanner.fail(
        equality
          ? ".* suffix cannot be used with pre-release, post-release, dev or local versions"
          : ".* suffix can only be used with `==` or `!=` operators",
        start,
        scanner.position + 1,
      );
    }
    if (scanner.peek("VERSION_LOCAL_LABEL_TRAIL") !== null) {
      scanner.fail("Local version label can only be used with `==` or `!=` operators", start);
    }
    scanner.take("WS");
    const comma = scanner.take("COMMA");
    if (comma === null) break;
    text += comma;
    scanner.take("WS");
  }
  return text;
}

function canonicalSpecifier(scanner: Scanner, text: string, start: number): string {
  if (text === "") return "";
  try {
    return formatSpecifierSet(parseSpecifierSet(text));
  } catch (error) {
    if (!(error instanceof WheelhouseError)) throw error;
    let reason: unknown = error;
    while (reason instanceof WheelhouseError && reason.cause instanceof WheelhouseError)
      reason = reason.cause;
    return scanner.fail(`Invalid specifier: ${(reason as Error).message}`, start);
  }
}

/** requirement_marker = ";" marker WS? — the span of a missing ";" starts at `spanStart`. */
function scanRequirementMarker(scanner: Scanner, spanStart: number, expected: string): string {
  if (scanner.take("SEMICOLON") === null) scanner.fail(`Expected ${expected} or end`, spanStart);
  const start = scanner.position;
  const marker = scanMarker(scanner);
  scanner.take("WS");
  try {
    return formatMarker(marker);
  } catch (error) {
    if (!(error instanceof WheelhouseError)) throw error;
    return scanner.fail("Marker value holds both quote characters and cannot be written", start);
  }
}

/**
 * The canonical text of a requirement, as packaging's `str(Requirement)`:
 * `name[a,b]<3,>=2; marker` or `name[a] @ url ; marker`.
 */
export function formatRequirement(r: Requirement): string {
  let out = r.name;
  const extras = [...new Set(r.extras)].sort();
  if (extras.length > 0) out += `[${extras.join(",")}]`;
  out += r.specifier;
  if (r.url) {
    out += ` @ ${r.url}`;
    if (r.marker) out += " ";
  }
  if (r.marker) out += `; ${r.marker}`;
  return out;
}
