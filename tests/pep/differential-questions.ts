// Inputs for the differential tests (differential.test.ts): fast-check generators biased to
// the tricky parts of PEP 440 and PEP 508 (epochs, pre/post/dev spellings, local labels, long
// digit runs, ===, ~=, wildcards, marker expressions, legacy names, requirement URLs), sampled
// with fixed seeds so every run asks the same questions.
import fc from "fast-check";

/** One question for wheelhouse and the oracle: `op` says which (see differential-oracle.py). */
export type Question = Record<string, unknown> & { op: string };

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

/** The generated questions, the same on every run (fixed seeds): about 8,700 of them. */
export function generatedQuestions(): Question[] {
  const out: Question[] = [];
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
