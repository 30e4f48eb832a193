import { describe, expect, it } from "vitest";
import { collectHashes } from "../../src/mirror/requirement-hashes.js";
import { parseRequirementsTxt } from "../../src/pep/requirements-txt.js";

const A = "a".repeat(64);
const B = "b".repeat(64);
const lines = (text: string) => parseRequirementsTxt(text, { file: "reqs.txt" }).requirements;

describe("collectHashes", () => {
  it("keeps the sha256 values per canonical project, merging lines", () => {
    const into = new Map<string, Set<string>>();
    collectHashes(
      lines(
        `Foo_Bar==1.0 --hash=sha256:${A.toUpperCase()} --hash=sha512:${"c".repeat(128)}\n` +
          `foo-bar==1.0 --hash=sha256:${B}\nplain\n`,
      ),
      into,
    );
    expect(into).toEqual(new Map([["foo-bar", new Set([A, B])]]));
  });

  it("refuses a requirement whose hashes are all of another algorithm, naming file and line", () => {
    const only512 = lines(`ok==1 --hash=sha256:${A}\nx==1 --hash=sha512:${"c".repeat(128)}\n`);
    expect(() => collectHashes(only512, new Map())).toThrow(
      expect.objectContaining({
        code: "HASH_ALGORITHM_UNSUPPORTED",
        message: expect.stringMatching(/^reqs\.txt:2: "x" has only "--hash=sha512:\.\.\."/),
      }),
    );
  });
});
