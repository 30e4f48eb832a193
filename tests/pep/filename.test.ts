import { existsSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WheelhouseError } from "../../src/pep/errors.js";
import {
  parseDistributionFilename,
  parseSdistFilename,
  parseWheelFilename,
  sdistFilename,
  wheelFilename,
} from "../../src/pep/filename.js";
import { canonicalizeName, isNormalizedName } from "../../src/pep/names.js";
import { normalizeVersion } from "../../src/pep/version.js";
import { corpusPath } from "../helpers/corpus.js";
import { errorCode, HAS_VECTORS, readVectors } from "../helpers/vectors.js";

const HAS_CORPUS = HAS_VECTORS;
const vectors = readVectors;
const code = errorCode;

describe("parseWheelFilename", () => {
  it.each([
    ["foo-1.0-py3-none-any.whl", "foo", "1.0", undefined, ["py3-none-any"]],
    ["Foo.Bar-1.0_RC1-py3-none-any.whl", "foo-bar", "1.0rc1", undefined, ["py3-none-any"]],
    [
      "foo-1.0-1000abc-py3-none-any.whl",
      "foo",
      "1.0",
      { number: 1000, tag: "abc" },
      ["py3-none-any"],
    ],
    [
      "six-1.17.0-py2.py3-none-any.whl",
      "six",
      "1.17.0",
      undefined,
      ["py2-none-any", "py3-none-any"],
    ],
    [
      "pydantic_core-2.46.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      "pydantic-core",
      "2.46.5",
      undefined,
      ["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"],
    ],
    ["foo-1.0+local.1-py3-none-any.whl", "foo", "1.0+local.1", undefined, ["py3-none-any"]],
  ])("%s", (filename, name, version, build, tags) => {
    const expected = build
      ? { filename, name, version, build, tags }
      : { filename, name, version, tags };
    expect(parseWheelFilename(filename)).toEqual(expected);
  });

  it("explains what is wrong", () => {
    expect(() => parseWheelFilename("foo-1.2.whl")).toThrowErrorMatchingInlineSnapshot(
      `[WheelhouseError: wheel filename "foo-1.2.whl" is invalid: it has no Python tag]`,
    );
    expect(() => parseWheelFilename("foo-1.x-py3-none-any.whl")).toThrowErrorMatchingInlineSnapshot(
      `[WheelhouseError: wheel filename "foo-1.x-py3-none-any.whl" is invalid: version "1.x" is not a PEP 440 version]`,
    );
    expect(() =>
      parseWheelFilename("foo-1.0-abc-py3-none-any.whl"),
    ).toThrowErrorMatchingInlineSnapshot(
      `[WheelhouseError: wheel filename "foo-1.0-abc-py3-none-any.whl" is invalid: build tag "abc" does not start with a digit]`,
    );
    let error: unknown;
    try {
      parseWheelFilename("foo-1.0-py3.-none-any.whl");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WheelhouseError);
    const w = error as WheelhouseError;
    expect(w.code).toBe("INVALID_WHEEL_FILENAME");
    expect((w.cause as WheelhouseError).code).toBe("INVALID_TAG");
    expect(w.hint).toContain("{name}-{version}");
  });

  it.each([
    "foo.whl",
    "foo-1.0-py3-none-any.zip",
    "foo-1.0-py3-none.whl",
    "foo-1-2-3-4-5-6.whl",
    "foo__bar-1.0-py3-none-any.whl",
  ])("rejects %j", (f) => {
    expect(code(() => parseWheelFilename(f))).toBe("INVALID_WHEEL_FILENAME");
  });
});

describe("wheelFilename", () => {
  it.each([
    [{ name: "Foo.Bar", version: "1.0", tags: "py3-none-any" }, "foo_bar-1.0-py3-none-any.whl"],
    [
      {
        name: "foo",
        version: "01.0-rc1",
        build: { number: 2, tag: "x" },
        tags: ["py2-none-any", "py3-none-any"],
      },
      "foo-1.0rc1-2x-py2.py3-none-any.whl",
    ],
    [
      {
        name: "markupsafe",
        version: "3.0.3",
        tags: ["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"],
      },
      "markupsafe-3.0.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ],
  ])("%j", (parts, expected) => {
    expect(wheelFilename(parts)).toBe(expected);
  });

  it("refuses tags that are not a product", () => {
    expect(
      code(() =>
        wheelFilename({ name: "a", version: "1", tags: ["py2-none-any", "py3-abi3-any"] }),
      ),
    ).toBe("INVALID_WHEEL_FILENAME");
    expect(code(() => wheelFilename({ name: "a", version: "1", tags: [] }))).toBe(
      "INVALID_WHEEL_FILENAME",
    );
    expect(code(() => wheelFilename({ name: "a", version: "1", tags: "py3-none" }))).toBe(
      "INVALID_TAG",
    );
  });

  it("parseWheelFilename(wheelFilename(x)) round-trips", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,10}[A-Za-z0-9])?$/);
    const version = fc
      .tuple(
        fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.tuple(fc.constantFrom("a", "b", "rc", "alpha", "c"), fc.nat({ max: 9 }))),
        fc.option(fc.nat({ max: 9 })),
        fc.option(fc.nat({ max: 9 })),
        fc.option(fc.stringMatching(/^[a-z0-9]{1,4}(\.[a-z0-9]{1,4})?$/)),
      )
      .map(([release, pre, post, dev, local]) => {
        let v = release.join(".");
        if (pre) v += `${pre[0]}${pre[1]}`;
        if (post !== null) v += `.post${post}`;
        if (dev !== null) v += `.dev${dev}`;
        if (local) v += `+${local}`;
        return v;
      });
    const build = fc.option(
      fc.record({ number: fc.nat({ max: 99999 }), tag: fc.stringMatching(/^[a-z_]{0,4}$/) }),
      { nil: undefined },
    );
    const part = fc.uniqueArray(fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/), {
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(
      fc.property(name, version, build, part, part, part, (n, v, b, interps, abis, plats) => {
        const tags = interps.flatMap((i) =>
          abis.flatMap((a) => plats.map((p) => `${i}-${a}-${p}`)),
        );
        const filename = wheelFilename({ name: n, version: v, build: b, tags });
        const parsed = parseWheelFilename(filename);
        expect(parsed.name).toBe(canonicalizeName(n));
        expect(parsed.version).toBe(normalizeVersion(v));
        expect(parsed.build).toEqual(b);
        expect(parsed.tags).toEqual(tags);
        expect(wheelFilename(parsed)).toBe(filename);
      }),
    );
  });
});

describe("parseSdistFilename", () => {
  it.each([
    ["foo-1.0.tar.gz", "foo", "1.0", ".tar.gz"],
    ["foo_bar-1.0.zip", "foo-bar", "1.0", ".zip"],
    ["trove-classifiers-2023.11.29.tar.gz", "trove-classifiers", "2023.11.29", ".tar.gz"],
    ["INITools-0.1.tar.gz", "initools", "0.1", ".tar.gz"],
    ["foo-bar-1.0-dev.tar.bz2", "foo-bar", "1.0.dev0", ".tar.bz2"],
    ["foo-1.0-2.tar.gz", "foo-1-0", "2", ".tar.gz"],
  ])("%s", (filename, name, version, extension) => {
    expect(parseSdistFilename(filename)).toEqual({ filename, name, version, extension });
  });

  it("explains what is wrong", () => {
    expect(() => parseSdistFilename("foo-1.x.tar.gz")).toThrowErrorMatchingInlineSnapshot(
      `[WheelhouseError: sdist filename "foo-1.x.tar.gz" is invalid: no dash splits it into a project name and a PEP 440 version (last part "1.x")]`,
    );
    expect(() => parseSdistFilename("-1.0.tar.gz")).toThrowErrorMatchingInlineSnapshot(
      `[WheelhouseError: sdist filename "-1.0.tar.gz" is invalid: it has no project name]`,
    );
  });

  it("sdistFilename writes PEP 625 names that parse back", () => {
    expect(sdistFilename({ name: "Trove-Classifiers", version: "2023.11.29" })).toBe(
      "trove_classifiers-2023.11.29.tar.gz",
    );
    expect(parseSdistFilename(sdistFilename({ name: "A.b", version: "1.0-1" }))).toMatchObject({
      name: "a-b",
      version: "1.0.post1",
    });
  });
});

describe("parseDistributionFilename", () => {
  it("dispatches by extension", () => {
    expect(parseDistributionFilename("foo-1.0-py3-none-any.whl").kind).toBe("wheel");
    expect(parseDistributionFilename("foo-1.0.tar.gz").kind).toBe("sdist");
    expect(parseDistributionFilename("foo-1.0.zip")).toMatchObject({
      kind: "sdist",
      extension: ".zip",
    });
    for (const f of ["foo-1.0.exe", "foo-1.0-py2.7.egg", "foo-1.0.tar.xz", "foo-1.0.tar"]) {
      expect(
        code(() => parseDistributionFilename(f)),
        f,
      ).toBe("UNKNOWN_EXTENSION");
    }
    expect(code(() => parseDistributionFilename("foo.whl"))).toBe("INVALID_WHEEL_FILENAME");
  });

  it("gives the same parts as the wheel and sdist parsers, key order included", () => {
    for (const f of ["foo-1.0-py3-none-any.whl", "foo-1.0-2b-py3-none-any.whl"]) {
      const parts = parseDistributionFilename(f);
      expect(parts).toEqual({ kind: "wheel", ...parseWheelFilename(f) });
      expect(Object.keys(parts)).toEqual(["kind", ...Object.keys(parseWheelFilename(f))]);
    }
    const sdist = parseDistributionFilename("Foo-1.0.zip");
    expect(sdist).toEqual({ kind: "sdist", ...parseSdistFilename("Foo-1.0.zip") });
    expect(Object.keys(sdist)).toEqual(["kind", ...Object.keys(parseSdistFilename("Foo-1.0.zip"))]);
  });

  it("hands out tag lists a caller may change (the expanded tag sets are shared inside)", () => {
    const first = parseWheelFilename("a-1.0-py2.py3-none-any.whl");
    first.tags.push("changed");
    first.tags[0] = "changed";
    expect(parseWheelFilename("b-2.0-py2.py3-none-any.whl").tags).toEqual([
      "py2-none-any",
      "py3-none-any",
    ]);
    expect(code(() => parseWheelFilename("c-1.0-py3-none-.whl"))).toBe("INVALID_WHEEL_FILENAME");
    expect(code(() => parseWheelFilename("c-1.0-py3-none-.whl"))).toBe("INVALID_WHEEL_FILENAME");
  });
});

describe.skipIf(!HAS_CORPUS)("packaging 26.3 test_utils vectors", () => {
  const strip = (v: string) => v.replace(/^Version:/, "");

  it("parse_wheel_filename", () => {
    type V = {
      filename: string;
      name: string;
      version: string;
      build: [] | [number, string];
      tags: string[];
    };
    const cases = vectors<V>("test_utils__test_parse_wheel_filename");
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const w = parseWheelFilename(c.filename);
      expect(w.name, c.filename).toBe(c.name);
      expect(w.version, c.filename).toBe(normalizeVersion(strip(c.version)));
      expect(w.build, c.filename).toEqual(
        c.build.length ? { number: c.build[0], tag: c.build[1] } : undefined,
      );
      expect([...w.tags].sort(), c.filename).toEqual(
        c.tags.map((t) => t.replace(/^Tag:/, "")).sort(),
      );
    }
  });

  it("parse_wheel_invalid_filename", () => {
    for (const { filename } of vectors<{ filename: string }>(
      "test_utils__test_parse_wheel_invalid_filename",
    )) {
      expect(
        code(() => parseWheelFilename(filename)),
        filename,
      ).toBe("INVALID_WHEEL_FILENAME");
    }
  });

  it("unsorted compressed tag sets are valid", () => {
    for (const { filename } of vectors<{ filename: string }>(
      "test_utils__test_parse_wheel_unsorted_tags_valid_by_default",
    )) {
      expect(parseWheelFilename(filename).tags.length, filename).toBe(2);
    }
  });

  it("parse_sdist_filename", () => {
    for (const c of vectors<{ filename: string; name: string; version: string }>(
      "test_utils__test_parse_sdist_filename",
    )) {
      expect(parseSdistFilename(c.filename)).toMatchObject({
        name: c.name,
        version: normalizeVersion(strip(c.version)),
      });
    }
  });

  it("parse_sdist_invalid_filename", () => {
    for (const { filename } of vectors<{ filename: string }>(
      "test_utils__test_parse_sdist_invalid_filename",
    )) {
      expect(
        code(() => parseSdistFilename(filename)),
        filename,
      ).toBe("INVALID_SDIST_FILENAME");
    }
  });

  it("canonicalize_name", () => {
    for (const { name, expected } of vectors<{ name: string; expected: string }>(
      "test_utils__test_canonicalize_name",
    )) {
      expect(canonicalizeName(name), name).toBe(expected);
      expect(isNormalizedName(expected), expected).toBe(true);
    }
  });

  it("canonicalize_name_invalid: refused when validating, normalized when not", () => {
    for (const { name, expected } of vectors<{ name: string; expected: string }>(
      "test_utils__test_canonicalize_name_invalid",
    )) {
      expect(
        code(() => canonicalizeName(name)),
        JSON.stringify(name),
      ).toBe("INVALID_NAME");
      expect(canonicalizeName(name, { validate: false })).toBe(expected);
      expect(isNormalizedName(expected)).toBe(false);
    }
  });

  it("is_normalized_name", () => {
    for (const { name, expected } of vectors<{ name: string; expected: string }>(
      "test_utils__test_is_normalized_name",
    )) {
      expect(isNormalizedName(expected), expected).toBe(true);
      expect(isNormalizedName(name), name).toBe(name === expected);
      expect(canonicalizeName(name)).toBe(expected);
    }
    for (const bad of ["-foo", "foo-", "foo--bar", "Foo", "foo_bar", "foo.bar", ""]) {
      expect(isNormalizedName(bad), bad).toBe(false);
    }
  });
});

describe.skipIf(!HAS_CORPUS)("real filenames in the corpus", () => {
  const folders = ["wheels", "build", "sdists"].filter((d) => existsSync(corpusPath(d)));

  it.each(folders)("every file in %s parses", (folder) => {
    const files = readdirSync(corpusPath(folder)).filter((f) =>
      /\.(whl|tar\.gz|zip|tar\.bz2)$/.test(f),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const d = parseDistributionFilename(f);
      expect(d.name.length, f).toBeGreaterThan(0);
      if (d.kind === "wheel") expect(wheelFilename(d).toLowerCase(), f).toBe(f.toLowerCase());
    }
  });
});
