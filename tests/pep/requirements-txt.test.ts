import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type ParseRequirementsTxtOptions,
  parseRequirementsTxt,
  type RequirementsFile,
  unnamedPathError,
} from "../../src/pep/requirements-txt.js";
import { errorOf } from "../helpers/error-of.js";

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
      editables: [],
      unnamed: [],
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

describe('parseRequirementsTxt with unnamedPaths: "collect" (source directories)', () => {
  const collect = (text: string, options: Partial<ParseRequirementsTxtOptions> = {}) =>
    parse(text, { unnamedPaths: "collect", ...options });

  it("hands back a relative directory line joined to the file's directory, with extras and marker, in file order", () => {
    const r = collect('flask\n../src/app[cli,cli,a] ; python_version >= "3"\nclick\n', {
      file: "proj/requirements.txt",
    });
    expect(r.requirements.map((l) => l.requirement.name)).toEqual(["flask", "click"]);
    expect(r.unnamed).toEqual([
      {
        location: "src/app",
        extras: ["a", "cli"],
        marker: 'python_version >= "3"',
        hashes: [],
        constraint: false,
        source: { file: "proj/requirements.txt", line: 2 },
        written: {
          requirement: '../src/app[cli,cli,a] ; python_version >= "3"',
          line: '../src/app[cli,cli,a] ; python_version >= "3"',
        },
        // flask was read before it: it stands between flask and click.
        position: 1,
      },
    ]);
    // Absolute and ~ paths are kept as written, as wheel paths are; "." is the file's folder.
    expect(collect("/src/app\n~/app\n.\n", { file: "/r/requirements.txt" }).unnamed).toEqual([
      expect.objectContaining({ location: "/src/app" }),
      expect.objectContaining({ location: "~/app" }),
      expect.objectContaining({ location: "/r" }),
    ]);
  });

  it("keeps the --hash of a directory line, normalized as other hashes", () => {
    const r = collect(`./app \\\n  --hash=sha256:${SHA_B}\n`);
    expect(r.unnamed).toEqual([
      expect.objectContaining({
        location: "app",
        hashes: [`sha256:${SHA_B.toLowerCase()}`],
        source: { file: "requirements.txt", line: 1 },
        // Continued lines are joined as pip joins them (the spaces kept).
        written: { requirement: "./app", line: `./app   --hash=sha256:${SHA_B}` },
      }),
    ]);
    expect(r.requirements).toEqual([]);
  });

  it('hands back a file: URL as written, its marker after "; "', () => {
    const r = collect("file:///src/app ; sys_platform == 'linux'\n", {
      file: "/r/requirements.txt",
    });
    expect(r.unnamed).toEqual([
      expect.objectContaining({
        location: "file:///src/app",
        extras: [],
        marker: 'sys_platform == "linux"',
      }),
    ]);
  });

  it("marks a line of a -c file (and of what it includes with -c) as a constraint", () => {
    const r = collect("-c c.txt\n./req\n", {
      readFile: files({ "c.txt": "urllib3<3\n./lib\n-c more.txt\n", "more.txt": "./more\n" }),
    });
    expect(r.unnamed.map((u) => [u.location, u.constraint, u.source, u.position])).toEqual([
      ["lib", true, { file: "c.txt", line: 2 }, 1],
      ["more", true, { file: "more.txt", line: 1 }, 1],
      ["req", false, { file: "requirements.txt", line: 2 }, 0],
    ]);
    expect(r.constraints.map((l) => l.requirement.name)).toEqual(["urllib3"]);
  });

  it("still names what it can and refuses what is not a path: wheels, sdists, #egg=, remote URLs", () => {
    const r = collect(
      "./w/six-1.17.0-py2.py3-none-any.whl\n./d/Flask-3.1.0.tar.gz\n./src#egg=foo\n",
    );
    expect(r.requirements.map((l) => [l.requirement.name, l.requirement.url])).toEqual([
      ["six", "w/six-1.17.0-py2.py3-none-any.whl"],
      ["flask", "d/Flask-3.1.0.tar.gz"],
      ["foo", "src#egg=foo"],
    ]);
    expect(r.unnamed).toEqual([]);
    expect(errorOf(() => collect("https://git.example/foo/archive/main.zip\n")).message).toBe(
      'requirements.txt:1: line "https://git.example/foo/archive/main.zip" is invalid: the project name of "https://git.example/foo/archive/main.zip" is unknown',
    );
  });

  it("refuses a bad extra or marker after a path, as after a wheel's path", () => {
    for (const [text, why] of [
      ["./app[cli!]", 'extra "cli!" is not a valid name'],
      ["./x-1.0-py3-none-any.whl[cli!]", 'extra "cli!" is not a valid name'],
      ["./app ; python_version >>> '3'", "python_version >>>"],
      ["./x-1.0-py3-none-any.whl ; python_version >>> '3'", "python_version >>>"],
    ]) {
      const error = errorOf(() => collect(`${text}\n`));
      expect(error.code, text).toBe("INVALID_REQUIREMENTS_FILE");
      expect(error.message, text).toContain(`requirements.txt:1: line ${JSON.stringify(text)}`);
      expect(error.message, text).toContain(why);
    }
  });

  it("by default refuses a directory line as before; unnamedPathError gives that same error for a collected one", () => {
    const text = `# line 1\n../src/app[cli] --hash=sha256:${SHA_A}\n`;
    const refused = errorOf(() => parse(text));
    expect(refused).toMatchInlineSnapshot(`
      {
        "code": "INVALID_REQUIREMENTS_FILE",
        "hint": "a wheel or an sdist is named by its path; a source directory is built into a wheel first (python3 -m pip wheel --no-deps -w wheels DIR)",
        "message": "requirements.txt:2: line "../src/app[cli] --hash=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" is invalid: the project name of "../src/app" is unknown",
      }
    `);
    expect(errorOf(() => parse(text, { unnamedPaths: "refuse" }))).toEqual(refused);
    expect(errorOf(() => parse("./snapshot.tar.xz\n")).code).toBe("INVALID_REQUIREMENTS_FILE");
    const [unnamed] = collect(text).unnamed;
    expect(
      errorOf(() => {
        throw unnamedPathError(unnamed);
      }),
    ).toEqual(refused);
    const [archive] = collect("./snapshot.tar.xz\n").unnamed;
    expect(
      errorOf(() => {
        throw unnamedPathError(archive);
      }),
    ).toEqual(errorOf(() => parse("./snapshot.tar.xz\n")));
  });
});

describe("parseRequirementsTxt line handling (as pip does it)", () => {
  const names = (r: RequirementsFile) => r.requirements.map((l) => l.requirement);

  it.each<[string, string, object[]]>([
    [
      "a comment after whitespace",
      "foo==1 # pinned\n",
      [{ name: "foo", extras: [], specifier: "==1" }],
    ],
    [
      "continuation lines",
      "foo\\\n>=1,\\\n<2\n",
      [{ name: "foo", extras: [], specifier: "<2,>=1" }],
    ],
    [
      "a comment line ends a continuation",
      "foo>=1 \\\n# note\nbar\n",
      [
        { name: "foo", extras: [], specifier: ">=1" },
        { name: "bar", extras: [], specifier: "" },
      ],
    ],
    ["a continuation on the last line", "foo \\", [{ name: "foo", extras: [], specifier: "" }]],
    ["CRLF and blank lines", "\r\n  foo  \r\n\r\n", [{ name: "foo", extras: [], specifier: "" }]],
    [
      "a marker with a dash in a value",
      'foo; platform_machine == "x86-64"\n',
      [{ name: "foo", extras: [], specifier: "", marker: 'platform_machine == "x86-64"' }],
    ],
    [
      "a PEP 508 URL requirement",
      "foo @ https://x.example/foo-1.0.tar.gz#sha256=abc\n",
      [
        {
          name: "foo",
          extras: [],
          specifier: "",
          url: "https://x.example/foo-1.0.tar.gz#sha256=abc",
        },
      ],
    ],
    [
      "a marker after a URL with no space before ';' (pip splits at the first ';')",
      "foo @ https://h.example/f-1.0.tar.gz;python_version<'3'\n",
      [
        {
          name: "foo",
          extras: [],
          specifier: "",
          url: "https://h.example/f-1.0.tar.gz",
          marker: 'python_version < "3"',
        },
      ],
    ],
    [
      "lines ended by form feed and the other str.splitlines() breaks",
      "foo\fbar\u2028baz\n",
      [
        { name: "foo", extras: [], specifier: "" },
        { name: "bar", extras: [], specifier: "" },
        { name: "baz", extras: [], specifier: "" },
      ],
    ],
  ])("%s", (_, text, expected) => {
    expect(names(parse(text))).toEqual(expected);
  });

  it("names a project from #egg= as pip reads it, and refuses one that names none", () => {
    expect(names(parse("https://h.example/p.tar.gz#egg=foo==1.0\n"))[0].name).toBe("foo");
    for (const bad of ["#egg=-bad", "#egg=foo#x"]) {
      expect(errorOf(() => parse(`https://h.example/p.tar.gz${bad}\n`))).toMatchObject({
        code: "INVALID_REQUIREMENTS_FILE",
        message: expect.stringContaining("#egg="),
      });
    }
  });

  it("takes a local archive of any of pip's extensions as a path, not a project name", () => {
    for (const ext of ["tgz", "tar", "tar.xz", "txz", "tbz", "tlz"]) {
      const error = errorOf(() => parse(`pkg-1.0.${ext}\n`));
      // A path whose project cannot be read from its name: refused as such, never sent to an index.
      expect(error.message).toContain(`the project name of "pkg-1.0.${ext}" is unknown`);
    }
  });

  it("calls --c ambiguous (--constraint or --config-settings), as pip does", () => {
    expect(errorOf(() => parse("--c other.txt\n")).message).toContain("--c");
  });

  it("reports the first physical line of a continued line", () => {
    const r = parse(`\n\nfoo \\\n  --hash=sha256:${SHA_A}\nbar\n`);
    expect(r.requirements.map((l) => l.source.line)).toEqual([3, 5]);
  });

  // pip's variables look like JavaScript's template placeholders: write them as var("NAME").
  const v = (name: string) => `$\{${name}}`;

  it("expands variables from env, upper-case names only, and leaves unset ones", () => {
    const r = parse(
      `-i https://${v("USER_X")}:${v("TOKEN")}@idx.example/${v("lower")}/${v("UNSET")}\n`,
      {
        env: { USER_X: "me", TOKEN: "s3cret", lower: "no" },
      },
    );
    expect(r.indexUrl).toBe(`https://me:s3cret@idx.example/${v("lower")}/${v("UNSET")}`);
    expect(parse(`-i ${v("A")}\n`).indexUrl).toBe(v("A"));
    expect(v("A")).toBe("$" + "{A}");
  });

  it.each([
    ["-rreqs.txt", "reqs.txt"],
    ["--requirement=reqs.txt", "reqs.txt"],
    ["--requirement reqs.txt", "reqs.txt"],
    ["--requirem reqs.txt", "reqs.txt"],
    ['-r "reqs.txt"', "reqs.txt"],
  ])("accepts option spelling %j", (line, path) => {
    const r = parse(`${line}\n`, {
      file: "dir/requirements.txt",
      readFile: files({ [`dir/${path}`]: "foo\n" }),
    });
    expect(r.requirements.map((l) => l.source.file)).toEqual([`dir/${path}`]);
  });

  it("applies --no-binary and --only-binary like pip (they exclude each other; :all: and :none:)", () => {
    expect(parse("--no-binary Foo.Bar,baz\n--only-binary foo-bar\n")).toMatchObject({
      noBinary: ["baz"],
      onlyBinary: ["foo-bar"],
    });
    expect(parse("--only-binary a\n--no-binary :all:\n")).toMatchObject({
      noBinary: [":all:"],
      onlyBinary: [],
    });
    expect(parse("--no-binary :all:\n--no-binary :none:,x\n")).toMatchObject({
      noBinary: ["x"],
      onlyBinary: [],
    });
  });

  it.each<[string, object]>([
    [
      "./dist/foo_bar-1.0-py3-none-any.whl",
      { name: "foo-bar", url: "proj/dist/foo_bar-1.0-py3-none-any.whl" },
    ],
    [
      "../wheels/foo-1.0-1-py3-none-any.whl[cli]",
      { name: "foo", extras: ["cli"], url: "wheels/foo-1.0-1-py3-none-any.whl" },
    ],
    ["/abs/foo-1.0-py3-none-any.whl", { name: "foo", url: "/abs/foo-1.0-py3-none-any.whl" }],
    [
      "https://files.example/foo-1.0-py3-none-any.whl#sha256=x",
      { name: "foo", url: "https://files.example/foo-1.0-py3-none-any.whl#sha256=x" },
    ],
    [
      "file:///w/foo-1.0-py3-none-any.whl ; python_version>'3'",
      { name: "foo", url: "file:///w/foo-1.0-py3-none-any.whl", marker: 'python_version > "3"' },
    ],
    ["vendor/Foo.Bar-2.0.tar.gz", { name: "foo-bar", url: "proj/vendor/Foo.Bar-2.0.tar.gz" }],
    [
      "git+https://git.example/foo.git@v1#egg=foo",
      { name: "foo", url: "git+https://git.example/foo.git@v1#egg=foo" },
    ],
  ])("takes the project name of the wheel or #egg= in %s", (line, expected) => {
    const [entry] = parseRequirementsTxt(`${line}\n`, {
      file: "proj/requirements.txt",
    }).requirements;
    expect(entry.requirement).toEqual({ extras: [], specifier: "", ...expected });
  });
});

describe("parseRequirementsTxt errors", () => {
  it.each([
    [
      "--frobnicate\n",
      'requirements.txt:2: line "--frobnicate" is invalid: option "--frobnicate" is not understood',
    ],
    [
      `--hash=sha256:${SHA_A}\n`,
      'requirements.txt:2: line "--hash=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" is invalid: --hash must follow a requirement on the same line',
    ],
    [
      "foo --index-url https://x\n",
      'requirements.txt:2: line "foo --index-url https://x" is invalid: option --index-url cannot follow a requirement',
    ],
    [
      "foo --hash=md5:abc\n",
      'requirements.txt:2: line "foo --hash=md5:abc" is invalid: hash "md5:abc" is not algorithm:hex-digest',
    ],
    [
      "foo --hash=sha256:abc\n",
      'requirements.txt:2: line "foo --hash=sha256:abc" is invalid: hash "sha256:abc" is not algorithm:hex-digest',
    ],
    ["-i\n", 'requirements.txt:2: line "-i" is invalid: option --index-url needs a value'],
    ["--pre=yes\n", 'requirements.txt:2: line "--pre=yes" is invalid: option --pre takes no value'],
    [
      "--no-binary @bad\n",
      'requirements.txt:2: line "--no-binary @bad" is invalid: "@bad" is not a project name',
    ],
    [
      'foo --hash "sha256:abc\n',
      'requirements.txt:2: line "foo --hash \\"sha256:abc" is invalid: a quote is never closed',
    ],
    [
      "foo --config-settings x=y\n",
      'requirements.txt:2: line "foo --config-settings x=y" is invalid: option --config-settings is not supported by wheelhouse',
    ],
    [
      "-r https://example.org/requirements.txt\n",
      'requirements.txt:2: line "-r https://example.org/requirements.txt" is invalid: including "https://example.org/requirements.txt" over the network is not supported',
    ],
    [
      "-r missing.txt\n",
      'requirements.txt:2: line "-r missing.txt" is invalid: cannot read "missing.txt": ENOENT: no such file missing.txt',
    ],
    [
      "-i https://x stray\n",
      'requirements.txt:2: line "-i https://x stray" is invalid: "stray" is not an option',
    ],
    [
      "foo>=>1\n",
      'requirements.txt:2: line "foo>=>1" is invalid: expected semicolon (after name with no version specifier) or end at position 3',
    ],
    [
      "./snapshot.tar.xz\n",
      'requirements.txt:2: line "./snapshot.tar.xz" is invalid: the project name of "./snapshot.tar.xz" is unknown',
    ],
    [
      "./foo.whl\n",
      'requirements.txt:2: line "./foo.whl" is invalid: wheel filename "foo.whl" is invalid: it has no version',
    ],
    [
      "https://git.example/foo/archive/main.zip\n",
      'requirements.txt:2: line "https://git.example/foo/archive/main.zip" is invalid: the project name of "https://git.example/foo/archive/main.zip" is unknown',
    ],
  ])("%j", (text, message) => {
    const error = errorOf(() => parse(`# line 1\n${text}`, { readFile: files({}) }));
    expect(error.code).toBe("INVALID_REQUIREMENTS_FILE");
    expect(error.hint).toBeTruthy();
    expect(error.message).toBe(message);
  });

  it("quotes the line, names file and line, with a hint", () => {
    expect(errorOf(() => parse("flask\nrequests>=2,,\n"))).toMatchInlineSnapshot(`
      {
        "code": "INVALID_REQUIREMENTS_FILE",
        "hint": "write a PEP 508 requirement such as \`name[extra]>=1.0; python_version>='3.8'\`",
        "message": "requirements.txt:2: line "requests>=2,," is invalid: expected comma (within version specifier), semicolon (after version specifier) or end at positions 8-12",
      }
    `);
  });

  it("without readFile, an include is an error that says so", () => {
    expect(errorOf(() => parse("-c constraints.txt\n"))).toMatchInlineSnapshot(`
      {
        "code": "INVALID_REQUIREMENTS_FILE",
        "hint": "pass readFile to follow -r/-c includes",
        "message": "requirements.txt:1: line "-c constraints.txt" is invalid: cannot read "constraints.txt"",
      }
    `);
  });
});

describe("parseRequirementsTxt agrees with pip", () => {
  // Expected values from pip 23.2's own parser on the same text:
  //   python3 -c 'from pip._internal.req.req_file import parse_requirements; ...' (comes_from lines)
  it("on the line numbers of requirements after continuations and comments", () => {
    const text = [
      "# c",
      "-i https://index.example/simple",
      "--index-url=https://mirror.example/simple  # last",
      "--extra-index https://extra.example/simple",
      "--no-binary foo,Bar_Baz",
      "--only-binary=foo-bar",
      `requests[socks,security]>=2.8,<3 ; python_version >= "3.8" --hash=sha256:${SHA_A}`,
      "idna==3.4 \\",
      `    --hash=sha256:${"b".repeat(64)}`,
      "foo>=1 \\",
      "# note",
      "bar",
      "./dist/foo_bar-1.0-py3-none-any.whl",
    ].join("\n");
    const r = parse(text);
    expect(r.requirements.map((l) => [l.source.line, l.requirement.name, l.hashes.length])).toEqual(
      [
        [7, "requests", 1],
        [8, "idna", 1],
        [10, "foo", 0],
        [12, "bar", 0],
        [13, "foo-bar", 0],
      ],
    );
    expect(r.extraIndexUrls).toEqual(["https://extra.example/simple"]);
  });
});

describe("parseRequirementsTxt index options agree with pip", () => {
  // pip's index list after each file, from `python3 tests/pep/golden/pip-req-file.py FILE`
  // (pip starts from https://pypi.org/simple there, standing for indexUrl undefined here).
  it.each([
    [
      "an -i line drops the extra indexes of earlier lines",
      "--extra-index-url https://b/\n-i https://a/\n--extra-index-url https://c/\n",
      ["https://a/", "https://c/"],
    ],
    [
      "an -i line keeps the extra indexes of its own line, in either order",
      "--extra-index-url https://b/\n--extra-index-url https://c/ -i https://a/\n",
      ["https://a/", "https://c/"],
    ],
    [
      "an -i in an included file drops the including file's extras",
      "--extra-index-url https://b/\n-r more.txt\n--extra-index-url https://d/\n",
      ["https://a/", "https://d/"],
    ],
    [
      "extra indexes add up while no -i follows",
      "--extra-index-url https://b/\n--extra-index-url https://c/\n",
      ["https://pypi.org/simple", "https://b/", "https://c/"],
    ],
    [
      "after --no-index, -i and --extra-index-url add nothing",
      "-i https://a/\n--no-index\n-i https://b/\n--extra-index-url https://c/\n",
      [],
    ],
    ["--no-index on the same line wins", "-i https://b/ --no-index\n", []],
  ])("%s", (_, text, pipIndexUrls) => {
    const r = parse(text, { readFile: files({ "more.txt": "-i https://a/\n" }) });
    const ours = r.noIndex ? [] : [r.indexUrl ?? "https://pypi.org/simple", ...r.extraIndexUrls];
    expect(ours).toEqual(pipIndexUrls);
  });
});

describe("parseRequirementsTxt decodes bytes as pip does", () => {
  // Each decoded by pip 23.2 (`python3 tests/pep/golden/pip-req-file.py FILE`) into the same
  // requirements: foo==1.0 and bar, with the marker value shown.
  const encode16 = (s: string, bigEndian: boolean) => {
    const out = new Uint8Array(s.length * 2);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      out[2 * i + (bigEndian ? 1 : 0)] = c & 0xff;
      out[2 * i + (bigEndian ? 0 : 1)] = c >> 8;
    }
    return out;
  };
  const bytes = (...parts: (number[] | Uint8Array | string)[]) =>
    Uint8Array.from(
      parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "latin1")] : [...p])),
    );
  const TEXT = 'foo==1.0 ; os_name == "\u00e9"\r\nbar\r\n';
  it.each([
    [
      "UTF-16 LE with BOM (PowerShell's pip freeze >)",
      bytes([0xff, 0xfe], encode16(TEXT, false)),
      "é",
    ],
    ["UTF-16 BE with BOM", bytes([0xfe, 0xff], encode16(TEXT, true)), "é"],
    ["UTF-8 with BOM", bytes([0xef, 0xbb, 0xbf], Buffer.from(TEXT, "utf8")), "é"],
    ["UTF-8 without BOM", bytes(Buffer.from(TEXT, "utf8")), "é"],
    ["a latin-1 coding comment", bytes("# -*- coding: latin-1 -*-\n", TEXT), "é"],
    [
      "a coding= comment on the second line",
      bytes("#!x\n# vim: fileencoding=latin-1\n", TEXT),
      "é",
    ],
    ["cp1252", bytes('# coding: cp1252\nfoo==1.0 ; os_name == "\x80"\nbar\n'), "\u20ac"],
  ])("%s", (_, data, value) => {
    const r = parseRequirementsTxt(data, { file: "requirements.txt" });
    expect(r.requirements.map((l) => [l.requirement.name, l.requirement.marker ?? ""])).toEqual([
      ["foo", `os_name == "${value}"`],
      ["bar", ""],
    ]);
  });

  it("decodes included files read as bytes", () => {
    const r = parse("-r more.txt\n", {
      readFile: () => Uint8Array.from([0xff, 0xfe, ...encode16("baz\n", false)]),
    });
    expect(r.requirements.map((l) => l.requirement.name)).toEqual(["baz"]);
  });

  it("refuses a coding comment naming an unknown encoding, as pip does (LookupError)", () => {
    expect(
      errorOf(() =>
        parseRequirementsTxt(Buffer.from("# coding: nope\nfoo\n"), { file: "req.txt" }),
      ),
    ).toMatchInlineSnapshot(`
      {
        "code": "INVALID_REQUIREMENTS_FILE",
        "hint": "save the file as UTF-8 and remove the coding comment",
        "message": "req.txt: encoding "nope" named by its coding comment is not known",
      }
    `);
  });
});

const corpusRequirements = new URL(
  "../../../shared/corpus/wheels-requirements.txt",
  import.meta.url,
);

describe.skipIf(!existsSync(corpusRequirements))("the corpus wheels-requirements.txt", () => {
  it("parses into its twelve projects", () => {
    const r = parse(readFileSync(corpusRequirements, "utf8"));
    expect(r.requirements.map((l) => l.requirement.name)).toContain("typing-extensions");
    expect(r.requirements).toHaveLength(12);
  });
});
