import { describe, expect, it } from "vitest";
import { type ResolveOptions, resolve } from "../../../src/mirror/resolve/resolve.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import { type Table, TableProvider } from "./table-provider.js";

const LINUX = parseTarget("cp311-manylinux_2_28_x86_64");

async function pick(
  table: Table,
  requirements: string[],
  options: Partial<ResolveOptions> = {},
): Promise<Record<string, string>> {
  const provider = new TableProvider(table);
  const result = await resolve(requirements.map(parseRequirement), provider, {
    target: LINUX,
    ...options,
  });
  return Object.fromEntries(result.packages.map((p) => [p.name, p.version]));
}

async function files(table: Table, requirements: string[], options: Partial<ResolveOptions> = {}) {
  const provider = new TableProvider(table);
  const result = await resolve(requirements.map(parseRequirement), provider, {
    target: LINUX,
    ...options,
  });
  return Object.fromEntries(result.packages.map((p) => [p.name, p.file.filename]));
}

describe("resolve: versions", () => {
  it("takes the newest release and follows dependencies", async () => {
    const table: Table = {
      a: { "1.0": {}, "2.0": { requires: ["b>=1"] } },
      b: { "1.0": {}, "1.5": {} },
    };
    expect(await pick(table, ["a"])).toEqual({ a: "2.0", b: "1.5" });
  });

  it("backtracks to an older release when the newest conflicts", async () => {
    const table: Table = {
      a: { "1.0": { requires: ["c<2"] }, "2.0": { requires: ["c>=3"] } },
      b: { "1.0": { requires: ["c<3"] } },
      c: { "1.0": {}, "2.0": {}, "3.0": {} },
    };
    expect(await pick(table, ["a", "b"])).toEqual({ a: "1.0", b: "1.0", c: "1.0" });
  });

  it("unifies a root requirement with a dependency on the same project", async () => {
    const table: Table = {
      a: { "1.0": { requires: ["B>=1"] } },
      b: { "1.0": {}, "2.0": {}, "3.0": {} },
    };
    expect(await pick(table, ["a", "b<3"])).toEqual({ a: "1.0", b: "2.0" });
  });

  it("skips files whose filename has an invalid version", async () => {
    const table: Table = { a: { "1.0": { files: ["whl", "a-notaversion-py3-none-any.whl"] } } };
    expect(await pick(table, ["a"])).toEqual({ a: "1.0" });
  });

  it("ignores requirements whose marker is false for the target, with `extra` empty", async () => {
    const table: Table = {
      a: {
        "1.0": {
          requires: [
            'w; sys_platform == "win32"',
            'l; sys_platform == "linux" and python_version >= "3.10"',
            'x; extra == "x"',
          ],
        },
      },
      l: { "1.0": {} },
    };
    expect(await pick(table, ["a"])).toEqual({ a: "1.0", l: "1.0" });
    expect(await pick(table, ['a; sys_platform == "win32"'])).toEqual({});
  });

  it("asks for metadata only of the releases it tries", async () => {
    const table: Table = { a: { "1.0": {}, "2.0": {}, "3.0": {} }, b: { "1.0": {}, "2.0": {} } };
    const provider = new TableProvider(table);
    await resolve([parseRequirement("a"), parseRequirement("b<2")], provider, { target: LINUX });
    expect(provider.metadataAsked.sort()).toEqual([
      "a-3.0-py3-none-any.whl",
      "b-1.0-py3-none-any.whl",
    ]);
  });
});

describe("resolve: pre-releases", () => {
  const table: Table = { a: { "1.0": {}, "2.0b1": {} }, p: { "1.0a1": {}, "1.0a2": {} } };

  it.each([
    [["a"], {}, { a: "1.0" }],
    [["a"], { pre: true }, { a: "2.0b1" }],
    [["a>=2.0b1"], {}, { a: "2.0b1" }],
    [["p"], {}, { p: "1.0a2" }],
  ] as const)("%j with %j -> %j", async (reqs, options, expected) => {
    expect(await pick(table, [...reqs], options)).toEqual(expected);
  });

  it("a pre-release named only by a dependency does not open them", async () => {
    const t: Table = { x: { "1.0": { requires: ["a>=2.0b1"] } }, a: table.a };
    await expect(pick(t, ["x"])).rejects.toMatchObject({ code: "NO_MATCHING_DISTRIBUTION" });
    expect(await pick(t, ["x", "a>=2.0b1"])).toEqual({ a: "2.0b1", x: "1.0" });
  });
});

describe("resolve: yanked", () => {
  const table: Table = { a: { "1.0": {}, "2.0": { yanked: "broken" } } };
  it("skips yanked releases unless pinned exactly", async () => {
    expect(await pick(table, ["a"])).toEqual({ a: "1.0" });
    expect(await pick(table, ["a>=2"]).catch((e) => e.code)).toBe("NO_MATCHING_DISTRIBUTION");
    expect(await pick(table, ["a==2.0"])).toEqual({ a: "2.0" });
    expect(await pick(table, ["a===2.0"])).toEqual({ a: "2.0" });
    expect(await pick(table, ["a==2.*"]).catch((e) => e.code)).toBe("NO_MATCHING_DISTRIBUTION");
  });
});

describe("resolve: extras", () => {
  const table: Table = {
    a: {
      "1.0": {
        extras: ["b", "c", "all"],
        requires: ['b; extra == "b"', 'c>=2; extra == "c"', 'a[b,c]; extra == "all"'],
      },
      "2.0": { extras: [] },
    },
    b: { "1.0": {} },
    c: { "1.0": {}, "2.0": {} },
  };

  it("pulls in an extra's dependencies and keeps the base at the same version", async () => {
    const provider = new TableProvider(table);
    const r = await resolve([parseRequirement("a[c]<2")], provider, { target: LINUX });
    expect(r.packages.map((p) => [p.name, p.version, p.extras, p.dependencies])).toEqual([
      ["a", "1.0", ["c"], ["c"]],
      ["c", "2.0", [], []],
    ]);
  });

  it("follows extras that require other extras of the same project", async () => {
    expect(await pick(table, ["a[all]<2"])).toEqual({ a: "1.0", b: "1.0", c: "2.0" });
  });

  it("ignores a missing extra", async () => {
    expect(await pick(table, ["a[nope]"])).toEqual({ a: "2.0" });
  });

  it("normalizes extra names (PEP 685)", async () => {
    const t: Table = {
      a: { "1.0": { extras: ["My.Extra"], requires: ['b; extra == "my-extra"'] } },
      b: { "1.0": {} },
    };
    expect(await pick(t, ["a[My_Extra]"])).toEqual({ a: "1.0", b: "1.0" });
  });
});

describe("resolve: Requires-Python", () => {
  it("checks the index's Requires-Python, then the metadata's (both count, as in pip)", async () => {
    const table: Table = {
      a: {
        "1.0": {},
        "2.0": { requiresPython: ">=3.12" },
        "3.0": { indexRequiresPython: ">=3.12" },
        "4.0": { indexRequiresPython: ">=3.8", requiresPython: ">=3.13" },
      },
    };
    const provider = new TableProvider(table);
    const r = await resolve([parseRequirement("a<4")], provider, { target: LINUX });
    expect(r.packages[0].version).toBe("1.0");
    expect(provider.metadataAsked).toEqual(["a-2.0-py3-none-any.whl", "a-1.0-py3-none-any.whl"]);
    expect(await pick(table, ["a"])).toEqual({ a: "1.0" });
  });

  it("uses the target's full Python version", async () => {
    const table: Table = { a: { "1.0": { indexRequiresPython: ">=3.11.4" } } };
    const patched = { ...LINUX, pythonFullVersion: "3.11.7" };
    expect(await pick(table, ["a"], { target: patched })).toEqual({ a: "1.0" });
    expect(await pick(table, ["a"]).catch((e) => e.code)).toBe("NO_MATCHING_DISTRIBUTION");
  });
});

describe("resolve: constraints, hashes, binaries, upload time", () => {
  const table: Table = {
    a: { "1.0": { files: ["whl", "sdist"] }, "2.0": { files: ["whl", "sdist"] } },
    b: { "1.0": {} },
  };

  it("constraints limit versions and never add projects", async () => {
    const constraints = ["a<2", "b==1.0", "zzz>1"].map(parseRequirement);
    expect(await pick(table, ["a"], { constraints })).toEqual({ a: "1.0" });
  });

  it("--hash: a file must match one of the digests", async () => {
    const hashes = new Map([["a", new Set(["sha-a-1.0.tar.gz"])]]);
    expect(await files(table, ["a"], { hashes })).toEqual({ a: "a-1.0.tar.gz" });
    const err = await pick(table, ["b"], { requireHashes: true, hashes }).catch((e) => e.message);
    expect(err).toContain("no --hash given for this project (--require-hashes)");
  });

  it("--only-binary and --no-binary", async () => {
    expect(await files(table, ["a"], { noBinary: ":all:" })).toEqual({ a: "a-2.0.tar.gz" });
    expect(await files(table, ["a"], { noBinary: new Set(["b"]) })).toEqual({
      a: "a-2.0-py3-none-any.whl",
    });
    const t: Table = { s: { "1.0": { files: ["sdist"] } } };
    expect(await files(t, ["s"])).toEqual({ s: "s-1.0.tar.gz" });
    const err = await files(t, ["s"], { onlyBinary: new Set(["s"]) }).catch((e) => e.message);
    expect(err).toContain("sdist refused by --only-binary");
  });

  it("--exclude-newer refuses later files and files without an upload time", async () => {
    const t: Table = {
      a: {
        "1.0": { uploadTime: "2024-01-01T00:00:00Z" },
        "2.0": { uploadTime: "2024-06-01T00:00:00Z" },
        "3.0": {},
      },
    };
    expect(await pick(t, ["a"], { excludeNewer: new Date("2024-03-01T00:00:00Z") })).toEqual({
      a: "1.0",
    });
    expect(await pick(t, ["a"])).toEqual({ a: "3.0" });
  });
});

describe("resolve: files per target", () => {
  const table: Table = {
    n: {
      "1.0": {
        files: [
          "n-1.0-py3-none-any.whl",
          "n-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
          "n-1.0-cp311-cp311-win_amd64.whl",
          "n-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
          "n-1.0.tar.gz",
        ],
      },
    },
  };

  it.each([
    [
      "cp311-manylinux_2_28_x86_64",
      "n-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ],
    ["cp311-win_amd64", "n-1.0-cp311-cp311-win_amd64.whl"],
    ["cp312-manylinux_2_17_x86_64", "n-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"],
    ["cp313-macosx_14_0_arm64", "n-1.0-py3-none-any.whl"],
  ])("%s takes %s", async (spec, filename) => {
    expect(await files(table, ["n"], { target: parseTarget(spec) })).toEqual({ n: filename });
  });

  it("takes the sdist when no wheel fits", async () => {
    const t: Table = {
      m: { "1.0": { files: ["m-1.0-cp311-cp311-win_amd64.whl", "m-1.0.tar.gz"] } },
    };
    expect(await files(t, ["m"])).toEqual({ m: "m-1.0.tar.gz" });
  });

  it("--prefer-binary takes an older release with a wheel over a newer sdist", async () => {
    const t: Table = { m: { "1.0": {}, "2.0": { files: ["sdist"] } } };
    expect(await pick(t, ["m"])).toEqual({ m: "2.0" });
    expect(await pick(t, ["m"], { preferBinary: true })).toEqual({ m: "1.0" });
  });
});

describe("resolve: installed, build requirements, progress", () => {
  const table: Table = {
    a: { "1.0": {}, "2.0": {} },
    s: { "1.0": { files: ["sdist"], buildRequires: ["flit-core>=3"] } },
    "flit-core": { "3.0": {}, "3.9": {} },
  };

  it("keeps an installed release that satisfies, unless --upgrade", async () => {
    const installed = new Map([["a", "1.0"]]);
    expect(await pick(table, ["a"], { installed })).toEqual({ a: "1.0" });
    expect(await pick(table, ["a"], { installed, upgrade: true })).toEqual({ a: "2.0" });
    expect(await pick(table, ["a>1"], { installed })).toEqual({ a: "2.0" });
  });

  it("keeps an installed pre-release that satisfies, without --pre (as pip does)", async () => {
    const t: Table = { app: { "1.0": { requires: ["pkg"] } }, pkg: { "1.0": {}, "2.0b1": {} } };
    const installed = new Map([["pkg", "2.0b1"]]);
    expect(await pick(t, ["app"], { installed })).toEqual({ app: "1.0", pkg: "2.0b1" });
    expect(await pick(t, ["app"], {})).toEqual({ app: "1.0", pkg: "1.0" });
  });

  it('keeps an installed distribution offered with source "installed"', async () => {
    const t: Table = {
      a: {
        "1.0": { files: [{ filename: "a-1.0-cp39-cp39-win32.whl", source: "installed" }] },
        "2.0": {},
      },
    };
    const installed = new Map([["a", "1.0"]]);
    expect(await files(t, ["a"], { installed })).toEqual({ a: "a-1.0-cp39-cp39-win32.whl" });
    expect(await files(t, ["a"], { installed, upgrade: true })).toEqual({
      a: "a-2.0-py3-none-any.whl",
    });
  });

  it("resolves the build requirements of a chosen sdist", async () => {
    const provider = new TableProvider(table);
    const r = await resolve([parseRequirement("s")], provider, {
      target: LINUX,
      buildRequirements: true,
    });
    expect(r.packages.map((p) => [p.name, p.version, p.buildOnly ?? false, p.requestedBy])).toEqual(
      [
        ["flit-core", "3.9", true, ["s"]],
        ["s", "1.0", false, ["<root>"]],
      ],
    );
  });

  it("names the sdist, its build requirements and the way out when they cannot be resolved", async () => {
    const t: Table = { s: { "1.0": { files: ["sdist"], buildRequires: ["hatchling"] } } };
    const failure = resolve([parseRequirement("s")], new TableProvider(t), {
      target: LINUX,
      buildRequirements: true,
    });
    await expect(failure).rejects.toMatchObject({
      code: "NO_MATCHING_DISTRIBUTION",
      message: expect.stringContaining(
        "cannot resolve the build requirements of s-1.0.tar.gz (hatchling)",
      ),
      hint: expect.stringContaining("--only-binary s"),
    });
  });

  it("reports progress", async () => {
    const events: string[] = [];
    await resolve([parseRequirement("a")], new TableProvider(table), {
      target: LINUX,
      onProgress: (e) => events.push(`${e.kind}:${e.name}`),
    });
    expect(events).toEqual(["project:a", "metadata:a"]);
  });
});
