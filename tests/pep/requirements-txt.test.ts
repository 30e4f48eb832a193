import { describe, expect, it } from "vitest";
import { WheelhouseError } from "../../src/pep/errors.js";
import {
  type ParseRequirementsTxtOptions,
  parseRequirementsTxt,
  type RequirementsFile,
} from "../../src/pep/requirements-txt.js";

const SHA_A = "a".repeat(64);
const SHA_B = "B".repeat(64);

/** A tiny in-memory file system for -r/-c includes. */
function files(map: Record<string, string>): ParseRequirementsTxtOptions["readFile"] {
  return (path) => {
    if (!(path in map)) throw new Error(`ENOENT: no such file ${path}`);
    return map[path];
  };
}

function parse(text: string, options: Partial<ParseRequirementsTxtOptions> = {}): RequirementsFile {
  return parseRequirementsTxt(text, { file: "requirements.txt", ...options });
}

/** The error thrown by `fn`, for inline snapshots of message, code and hint. */
function errorOf(fn: () => unknown): { code: string; message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof WheelhouseError)) throw e;
    return { code: e.code, message: e.message, hint: e.hint };
  }
  throw new Error("no error thrown");
}

describe("parseRequirementsTxt", () => {
  it("reads every option", () => {
    const text = [
      "# a comment line",
      "-i https://index.example/simple",
      "--index-url=https://mirror.example/simple  # the last one wins",
      "--extra-index-url https://extra.example/simple",
      "-f ./wheels",
      "--find-links=https://links.example/",
      "--no-index",
      "--no-binary foo,Bar_Baz",
      "--only-binary=:all:",
      "--prefer-binary",
      "--pre",
      "--require-hashes",
      "--trusted-host mirror.example",
      "",
      `requests[socks,security]>=2.8,<3 ; python_version >= "3.8" --hash=sha256:${SHA_A} --hash sha256:${SHA_B}`,
      "idna==3.4 \\",
      `    --hash=sha256:${SHA_A}`,
      "attrs",
    ].join("\n");
    const r = parse(text);
    expect(r).toEqual({
      requirements: [
        {
          requirement: {
            name: "requests",
            extras: ["security", "socks"],
            specifier: "<3,>=2.8",
            marker: 'python_version >= "3.8"',
          },
          hashes: [`sha256:${SHA_A}`, `sha256:${SHA_B.toLowerCase()}`],
          source: { file: "requirements.txt", line: 15 },
        },
        {
          requirement: { name: "idna", extras: [], specifier: "==3.4" },
          hashes: [`sha256:${SHA_A}`],
          source: { file: "requirements.txt", line: 16 },
        },
        {
          requirement: { name: "attrs", extras: [], specifier: "" },
          hashes: [],
          source: { file: "requirements.txt", line: 18 },
        },
      ],
      constraints: [],
      indexUrl: "https://mirror.example/simple",
      extraIndexUrls: ["https://extra.example/simple"],
      findLinks: ["./wheels", "https://links.example/"],
      noIndex: true,
      noBinary: [],
      onlyBinary: [":all:"],
      preferBinary: true,
      pre: true,
      requireHashes: true,
      trustedHosts: ["mirror.example"],
    });
  });

  it("follows -r and -c relative to the including file, nested", () => {
    const r = parseRequirementsTxt("-r sub/base.txt\n--constraint constraints.txt\nflask\n", {
      file: "proj/requirements.txt",
      readFile: files({
        "proj/sub/base.txt": "click>=8\n-r ../common.txt\n",
        "proj/common.txt": "rich\n",
        "proj/constraints.txt": "urllib3<3\n-c more/c2.txt\n",
        "proj/more/c2.txt": "idna==3.4\n",
      }),
    });
    expect(r.requirements.map((l) => [l.requirement.name, l.source.file, l.source.line])).toEqual([
      ["click", "proj/sub/base.txt", 1],
      ["rich", "proj/common.txt", 1],
      ["flask", "proj/requirements.txt", 3],
    ]);
    expect(r.constraints.map((l) => [l.requirement.name, l.source.file])).toEqual([
      ["urllib3", "proj/constraints.txt"],
      ["idna", "proj/more/c2.txt"],
    ]);
  });

  it("detects an include cycle and names the chain", () => {
    const readFile = files({ "a.txt": "x\n-r b.txt\n", "b.txt": "\n\n-r ./a.txt\n" });
    expect(errorOf(() => parse("-r a.txt\n", { readFile }))).toMatchInlineSnapshot(`
      {
        "code": "INVALID_REQUIREMENTS_FILE",
        "hint": "remove one of the -r/-c lines that form the cycle",
        "message": "b.txt:3: line "-r ./a.txt" is invalid: including "a.txt" again makes a cycle (requirements.txt -> a.txt -> b.txt -> a.txt)",
      }
    `);
  });

  it("refuses editable requirements", () => {
    expect(errorOf(() => parse("flask\n-e ./src/mypkg\n"))).toMatchInlineSnapshot(`
      {
        "code": "EDITABLE_NOT_SUPPORTED",
        "hint": "build a wheel of the project and list the wheel file instead",
        "message": "requirements.txt:2: line "-e ./src/mypkg" is invalid: editable installs (-e) are not supported",
      }
    `);
  });
});
