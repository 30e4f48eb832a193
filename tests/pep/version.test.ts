// PEP 440 versions against pypa/packaging 26.3's own test tables (corpus packaging-vectors/),
// plus property tests of the order and of normalization.
// Skipped tables (Python-only features): test_version_hash, test_pickle_roundtrip,
// test_compare_other, test_dunder_op_returns_notimplemented,
// test_base_version_notimplemented_with_non_base_version.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WheelhouseError } from "../../src/pep/errors.js";
import {
  baseVersion,
  canonicalizeVersion,
  compareVersions,
  formatVersion,
  isDevrelease,
  isPostrelease,
  isPrerelease,
  isValidVersion,
  normalizeVersion,
  parseVersion,
  publicVersion,
  tryParseVersion,
  type Version,
} from "../../src/pep/version.js";
import {
  errorCode,
  HAS_VECTORS,
  readVectors,
  VECTORS_DIR,
  type VectorRow,
} from "../helpers/vectors.js";

const hasVectors = HAS_VECTORS;
type Row = VectorRow;
const table = (name: string): Row[] => readVectors(name);

describe("parseVersion and formatVersion", () => {
  it.each([
    ["1.0", { epoch: 0, release: [1, 0] }],
    [
      "v1!2.0RC1-3.DEV4+Ubuntu-1",
      { epoch: 1, release: [2, 0], pre: ["rc", 1], post: 3, dev: 4, local: ["ubuntu", 1] },
    ],
    [" 1.0-1 ", { epoch: 0, release: [1, 0], post: 1 }],
    ["1.0alpha", { epoch: 0, release: [1, 0], pre: ["a", 0] }],
  ])("parses %j", (input, expected) => {
    expect(parseVersion(input)).toEqual(expected);
  });

  it("throws INVALID_VERSION with the input quoted and a hint", () => {
    try {
      parseVersion("1.0-foo");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WheelhouseError);
      const e = error as WheelhouseError;
      expect(e.code).toBe("INVALID_VERSION");
      expect(e.message).toMatchInlineSnapshot(
        `"version "1.0-foo" is invalid: it does not follow PEP 440"`,
      );
      expect(e.hint).toContain("1.2.3");
    }
  });

  it("rejects numbers a JS number cannot hold exactly", () => {
    expect(errorCode(() => parseVersion("1.99999999999999999999"))).toBe("INVALID_VERSION");
    expect(tryParseVersion("99999999999999999999")).toBeNull();
    expect(parseVersion("1.9007199254740991").release).toEqual([1, 9007199254740991]);
  });

  it("orders the trap cases", () => {
    const sorted = [
      "1.0.post1",
      "1.0",
      "1.0+local",
      "1.0a1",
      "1.0.dev1",
      "1.0.post1.dev1",
      "1.0rc1.dev1",
    ].sort(compareVersions);
    expect(sorted).toEqual([
      "1.0.dev1",
      "1.0a1",
      "1.0rc1.dev1",
      "1.0",
      "1.0+local",
      "1.0.post1.dev1",
      "1.0.post1",
    ]);
    expect(compareVersions("1.0", "1.0.0")).toBe(0);
    expect(compareVersions("1.0+abc", "1.0+1")).toBeLessThan(0);
    expect(compareVersions("1.0+1.a", "1.0+1")).toBeGreaterThan(0);
  });
});

describe.skipIf(!hasVectors)("packaging 26.3 version tables", () => {
  it("VERSIONS_sorted.json: every pair is ordered and sorting restores the order", () => {
    const versions: string[] = JSON.parse(
      readFileSync(join(VECTORS_DIR, "VERSIONS_sorted.json"), "utf8"),
    );
    expect(versions).toHaveLength(92);
    const failures: string[] = [];
    for (let i = 0; i < versions.length; i++) {
      for (let j = 0; j < versions.length; j++) {
        const got = Math.sign(compareVersions(versions[i], versions[j]));
        const want = Math.sign(i - j);
        if (got !== want) failures.push(`${versions[i]} vs ${versions[j]}: ${got}`);
      }
    }
    expect(failures).toEqual([]);
    const shuffled = [...versions].reverse();
    expect(shuffled.sort(compareVersions)).toEqual(versions);
  });

  it("valid, invalid and oversized versions", () => {
    const failures: string[] = [];
    for (const { version } of table("test_version__TestVersion.test_valid_versions.json")) {
      if (!isValidVersion(version)) failures.push(`valid ${version}`);
    }
    for (const { version } of table("test_version__TestVersion.test_invalid_versions.json")) {
      if (errorCode(() => parseVersion(version)) !== "INVALID_VERSION")
        failures.push(`invalid ${version}`);
    }
    for (const { version } of table(
      "test_version__TestVersion.test_oversized_version_raises_valueerror.json",
    )) {
      if (errorCode(() => parseVersion(version)) !== "INVALID_VERSION") failures.push("oversized");
    }
    for (const { version } of table(
      "test_version__TestVersion.test_non_string_versions_raise_invalid_version.json",
    )) {
      if (errorCode(() => parseVersion(version)) !== "INVALID_VERSION")
        failures.push(`non-string ${version}`);
      if (tryParseVersion(version) !== null) failures.push(`non-string try ${version}`);
    }
    expect(failures).toEqual([]);
  });

  it("normalized forms and str()", () => {
    const failures: string[] = [];
    for (const { version, normalized } of table(
      "test_version__TestVersion.test_normalized_versions.json",
    )) {
      if (normalizeVersion(version) !== normalized)
        failures.push(`${version} -> ${normalizeVersion(version)}`);
    }
    for (const { version, expected } of table(
      "test_version__TestVersion.test_version_str_repr.json",
    )) {
      if (formatVersion(parseVersion(version)) !== expected) failures.push(`str ${version}`);
    }
    expect(failures).toEqual([]);
  });

  it("parts: epoch, release, pre, post, dev, local, public, base_version", () => {
    const failures: string[] = [];
    const check = (file: string, field: string, get: (v: Version, s: string) => unknown) => {
      for (const row of table(`test_version__TestVersion.test_version_${file}.json`)) {
        const got = get(parseVersion(row.version), row.version);
        if (JSON.stringify(got) !== JSON.stringify(row[field]))
          failures.push(`${file} ${row.version}: ${got}`);
      }
    };
    check("epoch", "epoch", (v) => v.epoch);
    check("release", "release", (v) => v.release);
    check("pre", "pre", (v) => v.pre ?? null);
    check("post", "post", (v) => v.post ?? null);
    check("dev", "dev", (v) => v.dev ?? null);
    check("local", "local", (v) => (v.local ? v.local.join(".") : null));
    check("public", "public", (_, s) => publicVersion(s));
    check("base_version", "base_version", (_, s) => baseVersion(s));
    check("is_prerelease", "expected", (_, s) => isPrerelease(s));
    check("is_postrelease", "expected", (_, s) => isPostrelease(s));
    check("is_devrelease", "expected", (_, s) => isDevrelease(s));
    expect(failures).toEqual([]);
  });

  it("from_parts: formatVersion of assembled parts", () => {
    const letters: Record<string, "a" | "b" | "rc"> = { a: "a", b: "b", beta: "b", rc: "rc" };
    const failures: string[] = [];
    for (const { args, string } of table("test_version__test_from_parts.json")) {
      const v: Version = { epoch: args.epoch ?? 0, release: args.release };
      if (args.pre) v.pre = [letters[String(args.pre[0]).toLowerCase()], args.pre[1]];
      if (args.post != null) v.post = args.post;
      if (args.dev != null) v.dev = args.dev;
      if (args.local != null) v.local = parseVersion(`0+${args.local}`).local;
      if (formatVersion(v) !== normalizeVersion(string)) failures.push(string);
    }
    expect(failures).toEqual([]);
  });

  it("canonicalize_version (utils)", () => {
    const failures: string[] = [];
    for (const { version, expected } of table("test_utils__test_canonicalize_version.json")) {
      const input = String(version).replace(/^Version:/, "");
      const arg = String(version).startsWith("Version:") ? parseVersion(input) : input;
      if (canonicalizeVersion(arg) !== expected)
        failures.push(`${version} -> ${canonicalizeVersion(arg)}`);
    }
    for (const { version } of table(
      "test_utils__test_canonicalize_version_no_strip_trailing_zero.json",
    )) {
      if (canonicalizeVersion(version, { stripTrailingZero: false }) !== version)
        failures.push(`no strip ${version}`);
    }
    expect(failures).toEqual([]);
  });
});

// Versions built from parts, rendered with a random spelling (case, separators, aliases).
const spelled = fc
  .record({
    v: fc.boolean(),
    epoch: fc.option(fc.nat(3), { nil: undefined }),
    release: fc.array(fc.nat(12), { minLength: 1, maxLength: 4 }),
    pre: fc.option(
      fc.tuple(fc.constantFrom("a", "alpha", "B", "beta", "c", "rc", "pre", "preview"), fc.nat(3)),
    ),
    post: fc.option(fc.tuple(fc.constantFrom("-", ".post", "post", "_r", ".rev"), fc.nat(3))),
    dev: fc.option(fc.tuple(fc.constantFrom(".dev", "dev", "-DEV"), fc.option(fc.nat(3)))),
    local: fc.option(
      fc.array(fc.oneof(fc.constantFrom("ubuntu", "abc", "Z"), fc.nat(12).map(String)), {
        minLength: 1,
      }),
    ),
  })
  .map(({ v, epoch, release, pre, post, dev, local }) => {
    let s = `${v ? "v" : ""}${epoch === undefined ? "" : `${epoch}!`}${release.join(".")}`;
    if (pre) s += `${pre[0]}${pre[1]}`;
    if (post) s += `${post[0]}${post[1]}`;
    if (dev) s += `${dev[0]}${dev[1] ?? ""}`;
    if (local) s += `+${local.join(".")}`;
    return s;
  });

describe("properties", () => {
  it("normalizeVersion is idempotent and compares equal to its input", () => {
    fc.assert(
      fc.property(spelled, (s) => {
        const n = normalizeVersion(s);
        expect(normalizeVersion(n)).toBe(n);
        expect(compareVersions(s, n)).toBe(0);
      }),
    );
  });

  it("parse/format round trip", () => {
    fc.assert(
      fc.property(spelled, (s) => {
        const v = parseVersion(s);
        expect(parseVersion(formatVersion(v))).toEqual(v);
      }),
    );
  });

  it("compareVersions is a total order: antisymmetric and transitive", () => {
    fc.assert(
      fc.property(spelled, spelled, spelled, (a, b, c) => {
        expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)));
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) {
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
        }
        if (compareVersions(a, b) === 0)
          expect(canonicalizeVersion(a)).toBe(canonicalizeVersion(b));
      }),
      { numRuns: 300 },
    );
  });
});
