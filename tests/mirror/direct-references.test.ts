// takeDirectReferences and withFragmentHashes (src/mirror/direct-references.ts): what a direct
// reference becomes for the resolver, per target, and how its URL's #sha256= meets --hash.

import { describe, expect, it } from "vitest";
import { takeDirectReferences, withFragmentHashes } from "../../src/mirror/direct-references.js";
import { formatRequirement, parseRequirement } from "../../src/pep/requirement.js";
import { markerEnvironment } from "../../src/pep/target.js";

const LINUX = markerEnvironment("cp311-manylinux_2_28_x86_64");
const WHEEL = "https://h.test/dl/Native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl";
const A = "a".repeat(64);

describe("takeDirectReferences", () => {
  it("pins each to its file's version, keeps extras and marker, leaves others as they are", () => {
    const taken = takeDirectReferences(
      [
        `native[fast] @ ${WHEEL}#sha256=${A.toUpperCase()}&md5=00 ; python_version >= "3"`,
        "util>=1",
      ].map(parseRequirement),
      LINUX,
    );
    expect(taken.requirements.map(formatRequirement)).toEqual([
      'native[fast]==1.0; python_version >= "3"',
      "util>=1",
    ]);
    expect(taken.files.get("native")).toEqual({
      project: "native",
      requirement: `native[fast] @ ${WHEEL}#sha256=${A.toUpperCase()}&md5=00 ; python_version >= "3"`,
      filename: "Native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
      version: "1.0",
      url: WHEEL,
      sha256: A,
      hashes: { md5: "00" },
    });
  });

  it("decodes the file's name from the URL's path, leaving its query on the URL", () => {
    const url =
      "https://h.test/whl/cpu/torch-2.3.0%2Bcpu-cp311-cp311-manylinux_2_17_x86_64.whl?sig=abc";
    const { requirements, files } = takeDirectReferences([parseRequirement(`torch @ ${url}`)]);
    expect(formatRequirement(requirements[0])).toBe("torch==2.3.0+cpu");
    expect(files.get("torch")).toMatchObject({
      filename: "torch-2.3.0+cpu-cp311-cp311-manylinux_2_17_x86_64.whl",
      url,
    });
  });

  it("drops those whose marker does not hold on the target, so each platform names its own", () => {
    const windows = "https://h.test/dl/native-1.0-cp311-cp311-win_amd64.whl";
    const taken = takeDirectReferences(
      [
        `native @ ${WHEEL} ; sys_platform == "linux"`,
        `native @ ${windows} ; sys_platform == "win32"`,
      ].map(parseRequirement),
      LINUX,
    );
    expect(taken.requirements).toHaveLength(1);
    expect(taken.files.get("native")?.url).toBe(WHEEL);
    expect(() =>
      takeDirectReferences(
        [`native @ ${WHEEL}`, `native @ ${windows}`].map(parseRequirement),
        LINUX,
      ),
    ).toThrow(/"native" is also named by "native @ https:\/\/h\.test\/dl\/Native-1\.0/);
  });
});

describe("withFragmentHashes", () => {
  const files = takeDirectReferences([parseRequirement(`native @ ${WHEEL}#sha256=${A}`)]).files;

  it("makes the URL's sha256 its project's only allowed digest, leaving the map given alone", () => {
    const given = new Map([["util", new Set(["b".repeat(64)])]]);
    const out = withFragmentHashes(given, files);
    expect(out?.get("native")).toEqual(new Set([A]));
    expect(out?.get("util")).toEqual(given.get("util"));
    expect(given.has("native")).toBe(false);
    expect(withFragmentHashes(undefined, new Map())).toBeUndefined();
  });

  it("refuses --hash values that leave the URL's out", () => {
    expect(() =>
      withFragmentHashes(new Map([["native", new Set(["c".repeat(64)])]]), files),
    ).toThrow(/its URL states sha256 a{64}, which none of its --hash values gives/);
  });
});
