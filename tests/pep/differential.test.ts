// Differential tests: a few thousand generated versions, specifiers, markers and requirements, each
// answered by wheelhouse and by pypa/packaging (tests/pep/golden/differential-oracle.py, run once
// per file), compared item by item. The oracle is `python3` or $WHEELHOUSE_ORACLE_PYTHON; the whole
// file is skipped when it cannot import packaging. Inputs are sampled with fixed seeds, so a run is
// repeatable. See docs/pep-differential.md.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateMarker, formatMarker, parseMarker } from "../../src/pep/marker.js";
import { formatRequirement, parseRequirement } from "../../src/pep/requirement.js";
import {
  filterVersions,
  formatSpecifierSet,
  parseSpecifierSet,
  specifierContains,
  specifierSetPrereleases,
} from "../../src/pep/specifier.js";
import {
  baseVersion,
  compareVersions,
  formatVersion,
  isPrerelease,
  parseVersion,
  publicVersion,
} from "../../src/pep/version.js";

const PYTHON = process.env.WHEELHOUSE_ORACLE_PYTHON || "python3";
const ORACLE = fileURLToPath(new URL("golden/differential-oracle.py", import.meta.url));
const LIMIT = Number(process.env.WHEELHOUSE_DIFF_LIMIT || 15);
const HAS_PACKAGING = spawnSync(PYTHON, ["-c", "import packaging"]).status === 0;

// Regression and known cases: inputs on which wheelhouse and packaging disagreed. Each is asked of
// both; `ours` is wheelhouse's answer and `packaging` the oracle's (packaging 26.3; also 26.2).
type Question = Record<string, unknown> & { op: string };
type Answer = Record<string, unknown>;
const LONG_ZEROS = "0".repeat(4301);
const CASES: { why: string; question: Question; ours: Answer; packaging: Answer }[] = [
  {
    // Fixed: a run of more than 4300 digits was read as its value; packaging's int() refuses it.
    why: "4301-digit number: rejected by both (packaging raises a bare ValueError)",
    question: { op: "version", text: `${LONG_ZEROS}1` },
    ours: { error: "InvalidVersion" },
    packaging: { error: "ValueError" },
  },
  {
    why: "4301-digit number in a specifier",
    question: { op: "specifier", spec: `==1.${LONG_ZEROS}` },
    ours: { error: "InvalidSpecifier" },
    packaging: { error: "ValueError" },
  },
  {
    why: "4301-digit candidate: no match here, an exception in packaging",
    question: { op: "contains", spec: ">=1", version: `1.${LONG_ZEROS}`, prereleases: null },
    ours: { result: false },
    packaging: { error: "ValueError" },
  },
  {
    // packaging reads a specifier's version only when it is used: Requirement() accepts it.
    why: "4301-digit number in a requirement: packaging parses it (and fails when matching)",
    question: { op: "requirement", text: `a==${LONG_ZEROS}1` },
    ours: { error: "InvalidRequirement" },
    packaging: {
      name: "a",
      extras: [],
      specifier: `==${LONG_ZEROS}1`,
      url: null,
      marker: null,
      str: `a==${LONG_ZEROS}1`,
    },
  },
  {
    // Kept: decoding \N{...} needs Unicode's name table, which wheelhouse does not carry.
    why: "\\N{name} escape in a marker string: packaging decodes it, wheelhouse rejects the marker",
    question: {
      op: "marker",
      text: "os_name == '\\N{LATIN SMALL LETTER E WITH ACUTE}'",
      env: { os_name: "posix" },
    },
    ours: { error: "InvalidMarker" },
    packaging: { str: 'os_name == "\u00e9"', outcome: false },
  },
];
const KNOWN = new Set(CASES.map((c) => JSON.stringify(c.question)));

// --- generators --------------------------------------------------------------------------------

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const maybe = (arb: fc.Arbitrary<string>, weight = 3) =>
  fc.oneof({ arbitrary: fc.constant(""), weight }, { arbitrary: arb, weight: 1 });

const number = fc.oneof(
  { arbitrary: fc.nat({ max: 20 }).map(String), weight: 8 },
  { arbitrary: fc.nat({ max: 9 }).map((n) => `00${n}`), weight: 1 },
  {
    arbitrary: pick(
      "9007199254740991",
      "9007199254740993",
      "123456789012345678901234",
      `${"0".repeat(25)}7`,
    ),
    weight: 1,
  },
);
const sep = pick("", "", ".", "-", "_");
const preWord = pick("a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "RC", "Alpha", "A");
const postWord = pick("post", "rev", "r", "POST", "Post");
const localPart = fc.oneof(
  fc.nat({ max: 12 }).map(String),
  pick("abc", "ubuntu", "Local", "a1", "0a", "x", "007"),
);
const local = fc
  .tuple(fc.array(fc.tuple(pick(".", "-", "_"), localPart), { minLength: 1, maxLength: 3 }))
  .map(([parts]) => `+${parts.map(([s, p], i) => (i === 0 ? p : s + p)).join("")}`);

/** A version string from PEP 440's grammar, in all its spellings, sometimes broken. */
const versionText = fc
  .tuple(
    maybe(pick(" ", "\t", "\n", "\u00a0", "\u2003")),
    maybe(pick("v", "V")),
    maybe(number.map((n) => `${n}!`)),
    fc.array(number, { minLength: 1, maxLength: 4 }).map((xs) => xs.join(".")),
    maybe(
      fc.tuple(sep, preWord, sep, maybe(number, 1)).map((xs) => xs.join("")),
      2,
    ),
    maybe(
      fc.oneof(
        number.map((n) => `-${n}`),
        fc.tuple(sep, postWord, sep, maybe(number, 1)).map((xs) => xs.join("")),
      ),
      2,
    ),
    maybe(
      fc.tuple(sep, pick("dev", "DEV"), sep, maybe(number, 1)).map((xs) => xs.join("")),
      2,
    ),
    maybe(local),
    maybe(pick(" ", "\t", "\n", "\u3000")),
    maybe(pick(".", "..", "-", "+", "*", ".*", "!", "x", "_", "a", "post", " 1", "é"), 8),
  )
  .map((xs) => xs.join(""));

/** A small version drawn near 1.0, so that pairs and specifiers often touch. */
const nearVersion = fc
  .tuple(
    maybe(pick("1!"), 10),
    fc.array(pick("0", "1", "2"), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(".")),
    maybe(pick("a0", "a1", "b1", "rc1", "rc2"), 2),
    maybe(pick(".post0", ".post1", ".post2", "-1"), 3),
    maybe(pick(".dev0", ".dev1", ".dev2"), 3),
    maybe(pick("+abc", "+1", "+abc.1", "+1.abc", "+ABC", "+2"), 4),
  )
  .map((xs) => xs.join(""));

const operator = pick("==", "!=", "<=", ">=", "<", ">", "~=", "===");
/** Versions for "~=" with 1 to 4 release numbers, and the spellings a specifier may use. */
const compatibleVersion = fc
  .tuple(
    maybe(pick("v", "V", "0!", "1!")),
    fc.array(pick("0", "1", "2", "01"), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(".")),
    maybe(pick("a1", "rc1", "-rc.1", "c", "PRE2", "alpha"), 2),
    maybe(pick(".post1", "-1", "_rev2", "r"), 2),
    maybe(pick(".dev0", "dev", "-DEV-3"), 2),
    maybe(pick("+abc", ".*", "+1.*", "a1.*", ".post1.*", ".*.*", "*"), 5),
  )
  .map((xs) => xs.join(""));
const clause = fc
  .tuple(
    maybe(pick(" ", "\t")),
    operator,
    maybe(pick(" ")),
    fc.oneof(
      { arbitrary: nearVersion, weight: 6 },
      { arbitrary: nearVersion.map((v) => `${v}.*`), weight: 2 },
      { arbitrary: versionText, weight: 1 },
      { arbitrary: compatibleVersion, weight: 3 },
      { arbitrary: pick("foobar", "1.0+Local", "1.*", "1.0.*+abc", "v1.0", "1"), weight: 1 },
    ),
    maybe(pick(" ")),
  )
  .map((xs) => xs.join(""));
const specifierSetText = fc
  .array(clause, { minLength: 0, maxLength: 3 })
  .chain((xs) => fc.constant(xs.join(",")).map((s) => s))
  .chain((s) =>
    fc.oneof(
      { arbitrary: fc.constant(s), weight: 9 },
      { arbitrary: fc.constant(`${s},`), weight: 1 },
    ),
  );
const prereleases = pick<boolean | null>(null, null, true, false);
const candidate = fc.oneof(
  { arbitrary: nearVersion, weight: 8 },
  { arbitrary: versionText, weight: 1 },
  { arbitrary: pick("foobar", "FooBar", "1.0+LOCAL", "V1.0"), weight: 1 },
);

// Marker values per variable, odd ones included (non-PEP 440 releases, "+"-terminated builds).
const MARKER_VALUES: Record<string, string[]> = {
  python_version: ["3.11", "2.7", "3.10", "3.9", "3", "4", "3.11.*", "3.*", "3.1*", "3.11a1"],
  python_full_version: [
    "3.11.7",
    "3.11.1+",
    "3.13.0rc1",
    "3.6.2",
    "3.11.0a5",
    "3.11.7+local",
    "3.11",
  ],
  platform_release: [
    "6.8.0-45-generic",
    "5.15.0",
    "10.0.19041",
    "22.1.0",
    "4.4.0-1-amd64",
    "",
    "5.4",
  ],
  implementation_version: ["3.11.7", "3.11.0rc1", "7.3.12", "3.12.0b1"],
  os_name: ["posix", "nt", "java"],
  sys_platform: ["linux", "win32", "darwin", "cygwin"],
  platform_machine: ["x86_64", "aarch64", "AMD64", "arm64"],
  platform_system: ["Linux", "Windows", "Darwin", ""],
  platform_version: ["#45-Ubuntu SMP PREEMPT_DYNAMIC", "10.0.19041", "1.0"],
  platform_python_implementation: ["CPython", "PyPy"],
  implementation_name: ["cpython", "pypy"],
  extra: ["", "test", "Foo_Bar", "foo-bar", "foo.bar", "DOCS"],
};
const VARIABLES = Object.keys(MARKER_VALUES);
const LEGACY: Record<string, string> = {
  os_name: "os.name",
  sys_platform: "sys.platform",
  platform_machine: "platform.machine",
  platform_python_implementation: "python_implementation",
};

const quoted = (value: string) => fc.oneof(pick(`"${value}"`), pick(`'${value}'`));
const markerOperator = pick("==", "!=", "<", "<=", ">", ">=", "~=", "===", "in", "not in");
const comparison = fc
  .constantFrom(...VARIABLES)
  .chain((variable) =>
    fc
      .tuple(
        fc.oneof(
          { arbitrary: fc.constant(variable), weight: 5 },
          { arbitrary: fc.constant(LEGACY[variable] ?? variable), weight: 1 },
        ),
        markerOperator,
        fc.constantFrom(...(MARKER_VALUES[variable] as string[]), "1.0", "x").chain(quoted),
        fc.boolean(),
        pick(" ", "", "  "),
      )
      .map(([name, op, value, flip, ws]) =>
        flip ? `${value}${ws}${op} ${name}` : `${name} ${op}${ws}${value}`,
      ),
  );
/** Rarer shapes: set-valued variables, two variables, two literals, escapes, odd spacing. */
const oddComparison = fc.oneof(
  fc
    .tuple(
      pick('"a"', "'Foo_Bar'", '"x"', "extra"),
      pick(" in ", " not in ", " == "),
      pick("extras", "dependency_groups"),
    )
    .map((xs) => xs.join("")),
  fc
    .tuple(
      pick(...VARIABLES, "platform.version", "python_implementation"),
      markerOperator,
      pick(...VARIABLES),
    )
    .map(([a, op, b]) => `${a} ${op} ${b}`),
  fc
    .tuple(
      pick('"1.0"', '"a"', "'3.11'", '"b"'),
      markerOperator,
      pick('"1.0"', "'a'", '"3.11.*"', '"c"'),
    )
    .map(([a, op, b]) => `${a} ${op} ${b}`),
  pick(
    'os_name == "\\x70osix"',
    "os_name == 'pos\\\nix'",
    'os_name == "posix\\t"',
    "python_version\t>=\t'3'",
    "python_version>='3'and(os_name=='nt')",
    "python_full_version == '3.11.1+'",
    "python_full_version == '3.11.1+local'",
    "python_full_version < '3.11.1+'",
    "python_version in '3.10 3.11'",
    "python_version not in '3.1'",
    "python_version == '3.11.0'",
    "python_version == '3.11.*'",
    "python_version ~= '3.1'",
    "python_version > '3.11.dev0'",
    "platform_release >= '6'",
    "platform_release < '6.8.0-45-generic'",
    "platform_release == '6.8.0-45-GENERIC'",
    "extra == 'foo_bar'",
    "extra == 'FOO..bar'",
    "extra != 'test'",
    "extra in 'tests'",
    "extra ~= '1.0'",
  ),
);
const markerText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { arbitrary: comparison, weight: 4 },
    { arbitrary: oddComparison, weight: 2 },
    {
      arbitrary: fc
        .tuple(tie("expr"), pick(" and ", " or ", " AND ", "and "), tie("expr"))
        .map((xs) => xs.join("")),
      weight: 2,
    },
    { arbitrary: tie("expr").map((e) => `(${e})`), weight: 1 },
  ),
})).expr;
const environment = fc.record(
  Object.fromEntries(VARIABLES.map((v) => [v, fc.constantFrom(...(MARKER_VALUES[v] as string[]))])),
) as fc.Arbitrary<Record<string, string>>;

const requirementText = fc
  .tuple(
    maybe(pick(" ", "\t")),
    pick("foo", "Foo_Bar", "a.b-c", "x1", "requests", "A"),
    maybe(pick(" ", "\t")),
    maybe(
      pick("[]", "[a]", "[b,a]", "[ a , B ]", "[a,a]", "[Foo_Bar,foo-bar]", "[a b]", "[a,]"),
      2,
    ),
    maybe(pick(" ")),
    fc.oneof(
      { arbitrary: fc.constant(""), weight: 1 },
      { arbitrary: specifierSetText, weight: 3 },
      { arbitrary: specifierSetText.map((s) => `(${s})`), weight: 1 },
      {
        arbitrary: fc
          .tuple(
            pick("@", "@ ", " @ "),
            pick(
              "https://x.example/p-1.0.whl",
              "file:///tmp/a.tar.gz",
              "git+https://g.example/r.git@v1#egg=r",
              "https://x.example/p;x",
            ),
            pick("", " "),
          )
          .map((xs) => xs.join("")),
        weight: 1,
      },
    ),
    maybe(
      fc.tuple(pick(";", " ;", "; ", " ; "), markerText).map((xs) => xs.join("")),
      2,
    ),
    maybe(pick(" ", "\t", "#", "\n")),
  )
  .map((xs) => xs.join(""));

// --- questions ---------------------------------------------------------------------------------

const sample = <T>(arb: fc.Arbitrary<T>, numRuns: number, seed: number): T[] =>
  fc.sample(arb, { numRuns, seed });

function questions(): Question[] {
  const out: Question[] = CASES.map((c) => c.question);
  // More questions, one JSON object a line, to explore a suspicion without editing this file.
  const extra = process.env.WHEELHOUSE_DIFF_EXTRA;
  if (extra) {
    for (const line of readFileSync(extra, "utf8").split("\n"))
      if (line.trim() !== "") out.push(JSON.parse(line) as Question);
  }
  for (const text of sample(versionText, 1500, 42)) out.push({ op: "version", text });
  for (const text of sample(nearVersion, 200, 43)) out.push({ op: "version", text });
  for (const [a, b] of sample(fc.tuple(nearVersion, nearVersion), 800, 44))
    out.push({ op: "compare", a, b });
  for (const [a, b] of sample(fc.tuple(versionText, fc.oneof(versionText, nearVersion)), 800, 50))
    out.push({ op: "compare", a, b });
  for (const spec of sample(specifierSetText, 600, 45)) out.push({ op: "specifier", spec });
  for (const [spec, version, pre] of sample(
    fc.tuple(specifierSetText, candidate, prereleases),
    2000,
    46,
  ))
    out.push({ op: "contains", spec, version, prereleases: pre });
  for (const [spec, versions, pre] of sample(
    fc.tuple(specifierSetText, fc.array(candidate, { maxLength: 6 }), prereleases),
    400,
    47,
  ))
    out.push({ op: "filter", spec, versions, prereleases: pre });
  for (const [text, env] of sample(fc.tuple(markerText, environment), 1200, 48))
    out.push({ op: "marker", text, env });
  for (const text of sample(requirementText, 1200, 49)) out.push({ op: "requirement", text });
  return out;
}

// --- wheelhouse's answers, in the oracle's shape -----------------------------------------------

const ERRORS: Record<string, string> = {
  INVALID_VERSION: "InvalidVersion",
  INVALID_SPECIFIER: "InvalidSpecifier",
  INVALID_MARKER: "InvalidMarker",
  UNDEFINED_MARKER_COMPARISON: "UndefinedComparison",
  UNDEFINED_MARKER_VARIABLE: "UndefinedEnvironmentName",
  INVALID_REQUIREMENT: "InvalidRequirement",
};

function errorName(error: unknown): string {
  const code = (error as { code?: string }).code;
  return (code !== undefined && ERRORS[code]) || String(error);
}

function guarded(run: () => Record<string, unknown>): Record<string, unknown> {
  try {
    return run();
  } catch (error) {
    return { error: errorName(error) };
  }
}

const orNull = <T>(x: T | undefined): T | null => (x === undefined ? null : x);

function answer(q: Question): Record<string, unknown> {
  switch (q.op) {
    case "version":
      return guarded(() => {
        const v = parseVersion(q.text as string);
        return {
          str: formatVersion(v),
          public: publicVersion(v),
          base: baseVersion(v),
          epoch: v.epoch,
          release: [...v.release],
          pre: v.pre === undefined ? null : [...v.pre],
          post: orNull(v.post),
          dev: orNull(v.dev),
          local: v.local === undefined ? null : v.local.join("."),
          isPre: isPrerelease(v),
        };
      });
    case "compare":
      return guarded(() => ({ cmp: Math.sign(compareVersions(q.a as string, q.b as string)) }));
    case "specifier":
      return guarded(() => {
        const spec = q.spec as string;
        return {
          str: formatSpecifierSet(parseSpecifierSet(spec)),
          prereleases: orNull(specifierSetPrereleases(spec)),
        };
      });
    case "contains":
      return guarded(() => ({
        result: specifierContains(q.spec as string, q.version as string, {
          prereleases: orNull(q.prereleases as boolean | null) ?? undefined,
        }),
      }));
    case "filter":
      return guarded(() => ({
        result: filterVersions(q.spec as string, q.versions as string[], {
          prereleases: (q.prereleases as boolean | null) ?? undefined,
        }),
      }));
    case "marker":
      return guarded(() => {
        const marker = parseMarker(q.text as string);
        let outcome: boolean | string;
        try {
          outcome = evaluateMarker(marker, q.env as Record<string, string>);
        } catch (error) {
          outcome = errorName(error);
        }
        return { str: formatMarker(marker), outcome };
      });
    case "requirement":
      return guarded(() => {
        const r = parseRequirement(q.text as string);
        return {
          name: r.name,
          extras: r.extras,
          specifier: r.specifier,
          url: orNull(r.url),
          marker: orNull(r.marker),
          str: formatRequirement(r),
        };
      });
    default:
      throw new Error(`unknown question ${q.op}`);
  }
}

// --- known, intended differences ---------------------------------------------------------------

/** Digit runs beyond 2^53: wheelhouse rejects such versions on purpose (src/pep/version.ts). */
const hasHugeNumber = (q: Question): boolean =>
  [JSON.stringify(q)].some((x) =>
    (x.match(/[0-9]+/g) ?? []).some((d) => !Number.isSafeInteger(Number(d))),
  );

/**
 * The project follows packaging 26.3 (the existing golden tests pin it); older oracles, such as the
 * 26.2 that python3 may carry, differ in ways 26.3 fixed. Returns the two answers with those parts
 * set aside, or null when the question is not comparable with that oracle at all.
 */
function withoutDrift(
  q: Question,
  want: Answer,
  got: Answer,
  version: string,
): [Answer, Answer] | null {
  if (version === "26.3") return [want, got];
  const text = String(q.text ?? "");
  // 26.2 lets line breaks through as whitespace in requirements ("foo\n").
  if (q.op === "requirement" && /[\n\r\v\f]/.test(text)) return null;
  // 26.2 lets a bad specifier's InvalidSpecifier out of Requirement().
  if (want.error === "InvalidSpecifier" && got.error === "InvalidRequirement") return [got, got];
  // 26.2 lets SyntaxError out for a bad escape in a marker string.
  if (want.error === "SyntaxError" && /^Invalid/.test(String(got.error))) return [got, got];
  // 26.2 raises KeyError for a comparison of two literals.
  if (want.outcome === "KeyError" && got.outcome === "UndefinedEnvironmentName")
    want = { ...want, outcome: got.outcome };
  // 26.2 normalizes extra names in a marker's text differently, writes quotes differently and
  // drops needed parentheses of "((a or b)) and c".
  if (/extra|dependency_groups|\(\(|["'].*["']/.test(text)) {
    const { str: _a, marker: _b, ...w } = want;
    const { str: _c, marker: _d, ...g } = got;
    return [w, g];
  }
  return [want, got];
}

/** packaging lets Python's int() digit limit out as a bare ValueError; wheelhouse says invalid. */
const sameError = (want: Answer, got: Answer): boolean =>
  want.error === "ValueError" && /^Invalid/.test(String(got.error));

// --- the run -----------------------------------------------------------------------------------

interface Oracle {
  packaging: string;
  answers: Record<string, unknown>[];
}

function ask(qs: Question[]): Oracle {
  const run = spawnSync(PYTHON, [ORACLE], {
    input: qs.map((q) => JSON.stringify(q)).join("\n"),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`oracle failed: ${run.stderr}`);
  const [header, ...lines] = run.stdout.trimEnd().split("\n");
  return {
    packaging: (JSON.parse(header as string) as { packaging: string }).packaging,
    answers: lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe.skipIf(!HAS_PACKAGING)("wheelhouse against pypa/packaging (differential)", () => {
  const qs = questions();
  const oracle = HAS_PACKAGING ? ask(qs) : { packaging: "", answers: [] };

  it("asks every question of the oracle", () => {
    const tally: Record<string, [number, number]> = {};
    qs.forEach((q, i) => {
      const t = tally[q.op] ?? [0, 0];
      t[oracle.answers[i]?.error === undefined ? 0 : 1]++;
      tally[q.op] = t;
    });
    const counts = Object.entries(tally).map(([op, [ok, bad]]) => `${op} ${ok}+${bad}`);
    console.info(
      `differential: ${qs.length} questions (valid+invalid: ${counts.join(", ")}), packaging ${oracle.packaging}`,
    );
    expect(oracle.answers.length).toBe(qs.length);
  });

  it("gives the answers of the table of known cases", () => {
    for (const [i, { why, question, ours, packaging }] of CASES.entries()) {
      expect({ why, answer: answer(question) }).toEqual({ why, answer: ours });
      expect({ why, answer: oracle.answers[i] }).toEqual({ why, answer: packaging });
    }
  });

  for (const op of [
    "version",
    "compare",
    "specifier",
    "contains",
    "filter",
    "marker",
    "requirement",
  ]) {
    it(`answers ${op} questions like packaging`, () => {
      const failures: unknown[] = [];
      let count = 0;
      qs.forEach((q, i) => {
        if (q.op !== op) return;
        count++;
        if (KNOWN.has(JSON.stringify(q))) return;
        const got = answer(q);
        if (hasHugeNumber(q) && (op !== "version" || got.error === "InvalidVersion")) return;
        const pair = withoutDrift(q, oracle.answers[i] as Answer, got, oracle.packaging);
        if (pair === null || sameError(...pair)) return;
        if (JSON.stringify(pair[1]) !== JSON.stringify(pair[0]))
          failures.push(JSON.stringify({ q, want: pair[0], got: pair[1] }));
      });
      expect(count).toBeGreaterThan(0);
      expect({ count: failures.length, first: failures.slice(0, LIMIT) }).toEqual({
        count: 0,
        first: [],
      });
    });
  }
});
