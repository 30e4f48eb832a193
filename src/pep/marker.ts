// Environment markers (PEP 508): parse, format canonically and evaluate, as packaging 26.3 does.
// Spec: https://packaging.python.org/en/latest/specifications/dependency-specifiers/#environment-markers
// Traps:
// - Legacy names are accepted and rewritten: "os.name" -> os_name, "platform.machine" ->
//   platform_machine, "python_implementation" -> platform_python_implementation.
// - The literal compared with `extra` (and the one tested `in extras` / `in dependency_groups`)
//   is PEP 503-normalized when parsed, so formatting shows "foo-bar" for 'Foo_Bar'.
// - Grouping is kept as written: "(a and b) and c" formats with its parentheses, because
//   packaging's str() keeps them; only redundant wrappers like "((a))" collapse.
// - Evaluation: version-like variables compare as a PEP 440 specifier (op + right-hand text) when
//   that parses, else as strings, where "<" and ">" are always false and "<=" / ">=" mean "==".
//   "in" is a substring test. Other variables never compare as versions; "~=" and "===" on them
//   are undefined. When the left operand is a literal, the right operand's text is the
//   environment key, even when it is itself a literal (packaging's rule, kept bug-for-bug).

import { quote, WheelhouseError } from "./errors.js";
import { normalizeName, Scanner, SET_VALUED, scanMarker, syntaxError } from "./pep508-syntax.js";
import { parseSpecifier, type Specifier, specifierContains } from "./specifier.js";

/** Marker variables and their values, e.g. `{ python_version: "3.11", sys_platform: "linux" }`. */
export type MarkerEnvironment = Record<string, string>;

/** A marker variable such as `python_version` (legacy spellings already rewritten). */
export interface MarkerVariable {
  kind: "variable";
  name: string;
}

/** A quoted literal, decoded (escapes resolved, quotes removed). */
export interface MarkerValue {
  kind: "value";
  value: string;
}

export type MarkerOperand = MarkerVariable | MarkerValue;

export type MarkerOperator = "===" | "==" | "~=" | "!=" | "<=" | ">=" | "<" | ">" | "in" | "not in";

/** One comparison: `lhs op rhs`. */
export interface MarkerComparison {
  kind: "comparison";
  lhs: MarkerOperand;
  op: MarkerOperator;
  rhs: MarkerOperand;
}

/**
 * A sequence `items[0] joins[0] items[1] ...` (joins.length === items.length - 1), "and" binding
 * tighter than "or". A nested group is a parenthesized sub-expression.
 */
export interface MarkerGroup {
  kind: "group";
  items: Marker[];
  joins: ("and" | "or")[];
}

/** A parsed marker: a comparison or a group. parseMarker always returns a group. */
export type Marker = MarkerComparison | MarkerGroup;

/** Options of {@link evaluateMarker}. */
export interface EvaluateMarkerOptions {
  /** Extras requested: the marker is true when it holds for any of them (`extra == ...`); also the `extras` set. */
  extras?: string[];
  /** Dependency groups requested: the `dependency_groups` set of lock-file markers. */
  dependencyGroups?: string[];
  /**
   * packaging's context: "metadata" (default) defines extra as "", "lock_file" defines `extras`
   * and `dependency_groups` as empty sets, "requirement" defines neither.
   */
  context?: "metadata" | "lock_file" | "requirement";
}

const VERSION_VALUED = new Set([
  "implementation_version",
  "platform_release",
  "python_full_version",
  "python_version",
]);

/**
 * Parse a marker expression.
 * @returns a {@link MarkerGroup} preserving the grouping as written.
 * @throws WheelhouseError "INVALID_MARKER": the message quotes the input and gives the position.
 * Spec: dependency-specifiers, "Environment Markers" and the complete grammar.
 */
export function parseMarker(s: string): MarkerGroup {
  const cached = MARKERS.get(s);
  if (cached !== undefined) return cached;
  const scanner = new Scanner(s);
  let marker: MarkerGroup;
  try {
    marker = scanMarker(scanner);
    scanner.expect("END", "end of marker expression");
  } catch (error) {
    syntaxError("INVALID_MARKER", "marker", s, error);
  }
  if (MARKERS.size >= CACHE_LIMIT) MARKERS.clear();
  MARKERS.set(s, marker);
  return marker;
}

/**
 * Parsed markers by source text: a resolver evaluates the same Requires-Dist markers for every
 * candidate and target, and scanning (Unicode-aware patterns) dominates. Trees are never mutated,
 * so callers share them. Bounded: cleared when full.
 */
const MARKERS = new Map<string, MarkerGroup>();
const CACHE_LIMIT = 10_000;

/**
 * The canonical text of a marker, as packaging's `str(Marker)`: single spaces, values in double
 * quotes (single quotes when the value holds a double quote), redundant parentheses dropped.
 * @throws WheelhouseError "INVALID_MARKER" when a value holds both quote characters.
 */
export function formatMarker(m: Marker): string {
  return formatNode(m, true);
}

function formatNode(m: Marker, top: boolean): string {
  if (m.kind === "comparison") {
    return `${formatOperand(m.lhs)} ${m.op} ${formatOperand(m.rhs)}`;
  }
  const only = m.items[0];
  if (m.items.length === 1 && only !== undefined) return formatNode(only, top);
  const parts: string[] = [];
  m.items.forEach((item, i) => {
    if (i > 0) parts.push(m.joins[i - 1] ?? "and");
    parts.push(formatNode(item, false));
  });
  return top ? parts.join(" ") : `(${parts.join(" ")})`;
}

function formatOperand(operand: MarkerOperand): string {
  if (operand.kind === "variable") return operand.name;
  const { value } = operand;
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  throw new WheelhouseError(
    "INVALID_MARKER",
    `marker value ${quote(value)} cannot be written: it holds both quote characters`,
  );
}

/** The extras a marker mentions (`extra == "x"`, `"x" in extras`), normalized, sorted, unique. */
export function markerExtras(m: Marker): string[] {
  const found = new Set<string>();
  const visit = (node: Marker): void => {
    if (node.kind === "group") {
      node.items.forEach(visit);
      return;
    }
    const { lhs, rhs } = node;
    if (lhs.kind === "variable" && lhs.name === "extra" && rhs.kind === "value")
      found.add(rhs.value);
    if (
      rhs.kind === "variable" &&
      (rhs.name === "extra" || rhs.name === "extras") &&
      lhs.kind === "value"
    ) {
      found.add(lhs.value);
    }
  };
  visit(m);
  return [...found].sort();
}

type Environment = Map<string, string | ReadonlySet<string>>;

/**
 * Evaluate a marker against an environment (no defaults are read from the running process).
 * `extra` compares PEP 503-normalized; with `options.extras` the marker is true when it holds for
 * any requested extra; with none, extra is "" in the "metadata" context (packaging's default).
 * @throws WheelhouseError "INVALID_MARKER" (unparsable string), "UNDEFINED_MARKER_VARIABLE" (a
 * variable the environment lacks), "UNDEFINED_MARKER_COMPARISON" (e.g. "~=" on a non-version
 * variable, or a set-valued variable on the left).
 * Spec: dependency-specifiers, "Environment Markers".
 */
export function evaluateMarker(
  marker: string | Marker,
  env: Partial<MarkerEnvironment>,
  options: EvaluateMarkerOptions = {},
): boolean {
  const parsed = typeof marker === "string" ? parseMarker(marker) : marker;
  const context = options.context ?? "metadata";
  const environment: Environment = new Map();
  if (context === "metadata") environment.set("extra", "");
  const normalizedSet = (names: string[] | undefined): ReadonlySet<string> =>
    new Set((names ?? []).map(normalizeName));
  if (context === "lock_file" || options.extras !== undefined) {
    environment.set("extras", normalizedSet(options.extras));
  }
  if (context === "lock_file" || options.dependencyGroups !== undefined) {
    environment.set("dependency_groups", normalizedSet(options.dependencyGroups));
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) environment.set(key, value);
  }
  const extra = environment.get("extra");
  if (typeof extra === "string") environment.set("extra", normalizeName(extra));
  const full = environment.get("python_full_version");
  // Untagged CPython builds report "3.11.1+", which is no PEP 440 version; packaging repairs it.
  if (typeof full === "string" && full.endsWith("+"))
    environment.set("python_full_version", `${full}local`);

  if (options.extras === undefined || options.extras.length === 0 || env.extra !== undefined) {
    return evaluateNode(parsed, environment);
  }
  return options.extras.some((name) => {
    const each = new Map(environment);
    each.set("extra", normalizeName(name));
    return evaluateNode(parsed, each);
  });
}

function evaluateNode(m: Marker, env: Environment): boolean {
  if (m.kind === "comparison") return evaluateComparison(m, env);
  // "and" binds tighter: split on "or" into conjunctions, true when any conjunction holds.
  // Every item is evaluated (no short circuit), so an undefined variable anywhere throws, as in packaging.
  const results = m.items.map((item) => evaluateNode(item, env));
  let any = false;
  let all = true;
  results.forEach((result, i) => {
    if (i > 0 && m.joins[i - 1] === "or") {
      any ||= all;
      all = true;
    }
    all &&= result;
  });
  return any || all;
}

function lookup(env: Environment, key: string): string | ReadonlySet<string> {
  const value = env.get(key);
  if (value === undefined) {
    throw new WheelhouseError(
      "UNDEFINED_MARKER_VARIABLE",
      `marker variable ${quote(key)} is not defined in the environment`,
      { hint: `give a value for ${key} in the marker environment` },
    );
  }
  return value;
}

function evaluateComparison(m: MarkerComparison, env: Environment): boolean {
  const text = (operand: MarkerOperand): string =>
    operand.kind === "variable" ? operand.name : operand.value;
  let key: string;
  let lhs: string | ReadonlySet<string>;
  let rhs: string | ReadonlySet<string>;
  if (m.lhs.kind === "variable") {
    key = m.lhs.name;
    lhs = lookup(env, key);
    rhs = text(m.rhs);
  } else {
    key = text(m.rhs);
    lhs = m.lhs.value;
    rhs = lookup(env, key);
  }
  if (typeof lhs !== "string") {
    throw new WheelhouseError(
      "UNDEFINED_MARKER_COMPARISON",
      `marker ${quote(formatMarker(m))} is undefined: set-valued ${key} must be the right operand of "in" or "not in"`,
    );
  }
  if (SET_VALUED.has(key)) {
    lhs = normalizeName(lhs);
    rhs = typeof rhs === "string" ? normalizeName(rhs) : new Set([...rhs].map(normalizeName));
  }
  if (VERSION_VALUED.has(key) && typeof rhs === "string") {
    const result = compareAsVersions(lhs, m.op, rhs);
    if (result !== undefined) return result;
  }
  return compareAsStrings(lhs, m.op, rhs, m);
}

/** Whether `lhs` is in the single PEP 440 specifier `op rhs`; undefined when that is no specifier. */
function compareAsVersions(lhs: string, op: MarkerOperator, rhs: string): boolean | undefined {
  if (op === "in" || op === "not in") return undefined;
  let specifier: Specifier;
  try {
    specifier = parseSpecifier(`${op}${rhs}`);
  } catch (error) {
    if (error instanceof WheelhouseError && error.code === "INVALID_SPECIFIER") return undefined;
    throw error;
  }
  return specifierContains({ specifiers: [specifier] }, lhs, { prereleases: true });
}

function compareAsStrings(
  lhs: string,
  op: MarkerOperator,
  rhs: string | ReadonlySet<string>,
  m: MarkerComparison,
): boolean {
  switch (op) {
    case "in":
      return typeof rhs === "string" ? rhs.includes(lhs) : rhs.has(lhs);
    case "not in":
      return typeof rhs === "string" ? !rhs.includes(lhs) : !rhs.has(lhs);
    case "==":
    case "<=":
    case ">=":
      return lhs === rhs;
    case "!=":
      return lhs !== rhs;
    case "<":
    case ">":
      return false;
    default:
      throw new WheelhouseError(
        "UNDEFINED_MARKER_COMPARISON",
        `marker ${quote(formatMarker(m))} is undefined: ${op} needs PEP 440 versions on both sides`,
      );
  }
}
