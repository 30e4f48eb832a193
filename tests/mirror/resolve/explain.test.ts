import { describe, expect, it } from "vitest";
import { ResolutionError, resolve } from "../../../src/mirror/resolve/resolve.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import { type Table, TableProvider } from "./table-provider.js";

const LINUX = parseTarget("cp311-manylinux_2_28_x86_64");

async function failure(
  table: Table,
  requirements: string[],
  options = {},
): Promise<ResolutionError> {
  try {
    await resolve(requirements.map(parseRequirement), new TableProvider(table), {
      target: LINUX,
      ...options,
    });
  } catch (error) {
    if (error instanceof ResolutionError) return error;
    throw error;
  }
  throw new Error("resolution succeeded");
}

describe("failure explains itself", () => {
  it("conflicting dependencies name both parents and the chain", async () => {
    const e = await failure(
      {
        app: { "1.0": { requires: ["a", "b"] } },
        a: { "1.0": { requires: ["c<3"] } },
        b: { "2.0": { requires: ["c==3.1"] } },
        c: { "2.0": {}, "3.1": {} },
      },
      ["app"],
    );
    expect(e.code).toBe("RESOLUTION_IMPOSSIBLE");
    expect(e.message).toMatchInlineSnapshot(`
      "Cannot install a==1.0 and b==2.0 because these package versions have conflicting dependencies.
      The conflict is caused by:
          a 1.0 depends on c<3
          b 2.0 depends on c==3.1
      The chain that led there:
          <root> -> app 1.0 -> a 1.0
          <root> -> app 1.0 -> b 2.0"
    `);
    expect(e.hint).toMatchInlineSnapshot(
      `"loosen the version ranges you asked for, or drop pins, so that other versions can be chosen"`,
    );
  });

  it("a root pin against a dependency", async () => {
    const e = await failure(
      { a: { "1.0": { requires: ["b==2.0"] } }, b: { "1.0": {}, "2.0": {} } },
      ["a", "b==1.0"],
    );
    expect(e.message).toMatchInlineSnapshot(`
      "Cannot install a==1.0 and b==1.0 because these package versions have conflicting dependencies.
      The conflict is caused by:
          The user requested b==1.0
          a 1.0 depends on b==2.0
      The chain that led there:
          <root> -> a 1.0"
    `);
  });

  it("two root pins of one project", async () => {
    const e = await failure({ a: { "1.0": {}, "2.0": {} } }, ["a==1.0", "a==2.0"]);
    expect(e.message).toMatchInlineSnapshot(`
      "Cannot install a==1.0 and a==2.0 because these package versions have conflicting dependencies.
      The conflict is caused by:
          The user requested a==1.0
          The user requested a==2.0"
    `);
  });

  it("no file fits the target: one reason per file", async () => {
    const old = "2024-01-01T00:00:00Z";
    const e = await failure(
      {
        x: {
          "0.9": { uploadTime: old },
          "1.0": {
            uploadTime: old,
            files: [
              "x-1.0-cp311-cp311-win_amd64.whl",
              "x-1.0-cp310-cp310-manylinux_2_17_x86_64.whl",
            ],
          },
          "1.1": { uploadTime: old, yanked: "broken" },
          "1.2": { uploadTime: old, indexRequiresPython: ">=3.12" },
          "1.3": { uploadTime: "2030-01-01T00:00:00Z" },
          "1.4": { uploadTime: old, files: ["sdist"] },
          "1.5": {},
          "2.0a1": { uploadTime: old },
        },
      },
      ["x>=1"],
      { excludeNewer: new Date("2029-01-01T00:00:00Z"), onlyBinary: ":all:" },
    );
    expect(e.code).toBe("NO_MATCHING_DISTRIBUTION");
    expect(e.message).toMatchInlineSnapshot(`
      "No matching distribution for x>=1: 9 files found, none fits target cp311-manylinux_2_28_x86_64
          x-0.9-py3-none-any.whl: version 0.9 is not admitted by ">=1"
          x-1.0-cp311-cp311-win_amd64.whl: tags cp311-cp311-win_amd64 do not fit target cp311-manylinux_2_28_x86_64 (it wants e.g. cp311-cp311-manylinux_2_28_x86_64, cp311-cp311-manylinux_2_27_x86_64 ... py30-none-any (714 tags))
          x-1.0-cp310-cp310-manylinux_2_17_x86_64.whl: tags cp310-cp310-manylinux_2_17_x86_64 do not fit target cp311-manylinux_2_28_x86_64 (it wants e.g. cp311-cp311-manylinux_2_28_x86_64, cp311-cp311-manylinux_2_27_x86_64 ... py30-none-any (714 tags))
          x-1.1-py3-none-any.whl: yanked: broken (only an exact == pin takes it)
          x-1.2-py3-none-any.whl: Requires-Python >=3.12 does not admit Python 3.11.0
          x-1.3-py3-none-any.whl: excluded by --exclude-newer: uploaded 2030-01-01T00:00:00Z
          x-1.4.tar.gz: sdist refused by --only-binary
          x-1.5-py3-none-any.whl: excluded by --exclude-newer: no upload time known
          x-2.0a1-py3-none-any.whl: pre-release 2.0a1 needs --pre or a pre-release named in your requirements"
    `);
    // The hint names what the reasons above point at, and nothing else.
    expect(e.hint).toBe(
      "check the target (or get files built for it), the target's Python version, --pre, " +
        "--only-binary/--no-binary, --exclude-newer, an exact == pin (a yanked file is only taken " +
        "for one), the version ranges asked for",
    );
  });

  it("a hint that names only what refused the files", async () => {
    const e = await failure({ x: { "1.0": { files: ["x-1.0-cp311-cp311-win_amd64.whl"] } } }, [
      "x",
    ]);
    expect(e.hint).toBe("check the target (or get files built for it)");
  });

  it("an unknown project", async () => {
    const e = await failure({ a: { "1.0": { requires: ["ghost>=1"] } } }, ["a"]);
    expect(e.message).toMatchInlineSnapshot(
      `"No matching distribution for ghost>=1 (required by a 1.0): no files found for "ghost" in any source"`,
    );
    expect(e.hint).toBe(
      "check the project's name and that a source offers it (the index, --find-links)",
    );
    // install and bundle name their own sources.
    const local = await failure({}, ["ghost"], { sources: "the store; --find-links" });
    expect(local.hint).toBe(
      "check the project's name and that a source offers it (the store; --find-links)",
    );
  });

  it("metadata Requires-Python ruling out every release", async () => {
    const e = await failure({ a: { "1.0": { requiresPython: ">=3.12" } } }, ["a"]);
    expect(e.message).toMatchInlineSnapshot(`
      "No matching distribution for a: 1 file found, none fits target cp311-manylinux_2_28_x86_64
          a-1.0-py3-none-any.whl: Requires-Python >=3.12 (from its metadata) does not admit Python 3.11.0"
    `);
  });
});
