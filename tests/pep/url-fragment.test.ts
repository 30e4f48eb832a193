import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashesFromFragment } from "../../src/pep/url-fragment.js";

/** The regex-and-split reading hashesFromFragment replaced: the oracle for the loop. */
function viaSplit(fragment: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const part of fragment.replace(/^#/, "").split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).toLowerCase();
    const value = part.slice(eq + 1);
    if (/^[a-z0-9_]+$/.test(name) && /^[0-9a-f]+$/i.test(value) && name !== "egg") {
      hashes[name] = value.toLowerCase();
    }
  }
  return hashes;
}

const piece = fc.constantFrom(
  "#",
  "&",
  "=",
  "sha256",
  "SHA256",
  "md5",
  "egg",
  "\u212a",
  "_",
  "0",
  "9",
  "a",
  "F",
  "g",
  "G",
  "\u0010",
  "\u0019",
  " ",
  "%",
  "é",
  "ab12",
);
const fragment = fc.array(piece, { maxLength: 14 }).map((xs) => xs.join(""));

describe("hashesFromFragment", () => {
  it.each([
    ["#sha256=AB12", { sha256: "ab12" }],
    ["sha256=ab&md5=CD", { sha256: "ab", md5: "cd" }],
    ["#egg=foo&sha256=", {}],
    ["##sha256=ab", {}],
    ["", {}],
  ])("reads %j", (f, want) => {
    expect(hashesFromFragment(f)).toEqual(want);
  });

  it("reads what the regex-and-split reading read (property)", () => {
    fc.assert(
      fc.property(fragment, (f) => {
        expect(hashesFromFragment(f)).toEqual(viaSplit(f));
      }),
      { numRuns: 20_000 },
    );
  });
});
