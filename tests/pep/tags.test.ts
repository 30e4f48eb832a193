import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatTag,
  macBinaryFormats,
  macPlatforms,
  manylinuxPlatforms,
  musllinuxPlatforms,
  parseTag,
} from "../../src/pep/tags.js";
import { errorCode, HAS_VECTORS, readVectors } from "../helpers/vectors.js";

const hasVectors = HAS_VECTORS;
const vectors = readVectors;
const code = errorCode;

describe("parseTag", () => {
  it.each([
    ["py3-none-any", ["py3-none-any"]],
    ["py2.py3-none-any", ["py2-none-any", "py3-none-any"]],
    ["CP311-CP311-Win_AMD64", ["cp311-cp311-win_amd64"]],
    [
      "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64",
      ["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"],
    ],
    [
      "py2.py3-none-manylinux1_i686.manylinux1_x86_64",
      [
        "py2-none-manylinux1_i686",
        "py2-none-manylinux1_x86_64",
        "py3-none-manylinux1_i686",
        "py3-none-manylinux1_x86_64",
      ],
    ],
    ["py3.py3-none-any", ["py3-none-any"]],
    ["sillywalk-none-any", ["sillywalk-none-any"]],
    ["_custom-none-any", ["_custom-none-any"]],
  ])("%s", (tag, expected) => {
    expect(parseTag(tag).map(formatTag)).toEqual(expected);
  });

  it.each([
    "py3-none",
    "py3-none-any-extra",
    "-none-any",
    "py3--any",
    "py3-none-",
    "py3.-none-any",
    "2-none-any",
    "py+3-none-any",
    "",
  ])("rejects %j", (tag) => {
    expect(code(() => parseTag(tag))).toBe("INVALID_TAG");
  });

  it("quotes the tag", () => {
    expect(() => parseTag("py3.2-none-any")).toThrowErrorMatchingInlineSnapshot(
      `[WheelhouseError: tag "py3.2-none-any" is invalid: interpreter "2" is not an identifier]`,
    );
  });

  it("formatTag inverts parseTag for single tags", () => {
    const part = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    fc.assert(
      fc.property(part, part, part, (interpreter, abi, platform) => {
        const t = { interpreter, abi, platform };
        expect(parseTag(formatTag(t))).toEqual([t]);
      }),
    );
  });
});

describe.skipIf(!hasVectors)("packaging 26.3 test_tags vectors", () => {
  it.each([
    "test_tags__TestParseTag.test_empty_component_raises",
    "test_tags__TestParseTag.test_invalid_component_count_raises",
    "test_tags__TestParseTag.test_invalid_interpreter_raises",
  ])("%s raise", (name) => {
    for (const { tag } of vectors<{ tag: string }>(name)) {
      expect(
        code(() => parseTag(tag)),
        tag,
      ).toBe("INVALID_TAG");
    }
  });

  it("identifier interpreters are valid", () => {
    for (const { interpreter } of vectors<{ interpreter: string }>(
      "test_tags__TestParseTag.test_identifier_interpreter_is_valid",
    )) {
      expect(parseTag(`${interpreter}-none-any`)).toEqual([
        { interpreter, abi: "none", platform: "any" },
      ]);
    }
  });

  it("tags round-trip", () => {
    for (const t of vectors<{ interpreter: string; abi: string; platform: string }>(
      "test_tags__test_pickle_tag_roundtrip",
    )) {
      expect(parseTag(formatTag(t))).toEqual([t]);
    }
  });

  it("mac binary formats", () => {
    type V = { version: [number, number]; arch: string; expected: string[] };
    for (const { version, arch, expected } of vectors<V>(
      "test_tags__TestMacOSPlatforms.test_binary_formats",
    )) {
      expect(macBinaryFormats(version, arch), `${version} ${arch}`).toEqual(expected);
    }
  });
});

describe("platform generators", () => {
  it("macOS 11+ lists each major at minor 0, then 10.16 down to 10.4", () => {
    const arm = macPlatforms([12, 3], "arm64");
    expect(arm.slice(0, 4)).toEqual([
      "macosx_12_0_arm64",
      "macosx_12_0_universal2",
      "macosx_11_0_arm64",
      "macosx_11_0_universal2",
    ]);
    expect(arm.slice(4)).toEqual(
      Array.from({ length: 13 }, (_, i) => `macosx_10_${16 - i}_universal2`),
    );
    const intel = macPlatforms([11, 0], "x86_64");
    expect(intel).toContain("macosx_10_4_fat3");
    expect(intel).not.toContain("macosx_10_3_x86_64");
  });

  it("musllinux counts minors down to 0", () => {
    expect(musllinuxPlatforms([1, 2], ["x86_64"])).toEqual([
      "musllinux_1_2_x86_64",
      "musllinux_1_1_x86_64",
      "musllinux_1_0_x86_64",
    ]);
  });

  it("manylinux on aarch64 stops at glibc 2.17, x86_64 at 2.5", () => {
    expect(manylinuxPlatforms([2, 18], ["aarch64"])).toEqual([
      "manylinux_2_18_aarch64",
      "manylinux_2_17_aarch64",
      "manylinux2014_aarch64",
    ]);
    const x86 = manylinuxPlatforms([2, 5], ["x86_64"]);
    expect(x86).toEqual(["manylinux_2_5_x86_64", "manylinux1_x86_64"]);
  });

  it("a glibc 3.x lists every 2.x after its own minors", () => {
    const tags = manylinuxPlatforms([3, 1], ["x86_64"]);
    expect(tags.slice(0, 3)).toEqual([
      "manylinux_3_1_x86_64",
      "manylinux_3_0_x86_64",
      "manylinux_2_50_x86_64",
    ]);
    expect(tags.at(-1)).toBe("manylinux1_x86_64");
  });
});
