import fc from "fast-check";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { WheelhouseError } from "../../src/pep/errors.js";
import {
  formatPylock,
  isPylockFilename,
  type Pylock,
  type PylockPackage,
  parsePylock,
} from "../../src/pep/pylock.js";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const SHA_C = "c".repeat(64);

// A lock in the shape of the specification's example: two environments, wheels with upload
// times, an sdist, an attestation identity, dependencies and tool tables.
const EXAMPLE = `lock-version = '1.0'
environments = ["sys_platform == 'win32'", "sys_platform == 'linux'"]
requires-python = '== 3.12.*'
created-by = 'wheelhouse'

[[packages]]
name = 'numpy'
version = '2.2.3'
requires-python = '>=3.10'
wheels = [
  {name = 'numpy-2.2.3-cp312-cp312-win_amd64.whl', upload-time = 2025-02-13T16:51:21.821880+00:00, url = 'https://files.example/numpy-2.2.3-cp312-cp312-win_amd64.whl', size = 12626357, hashes = {sha256 = '${SHA_B}'}},
  {name = 'numpy-2.2.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', upload-time = 2025-02-13T16:50:00Z, url = 'https://files.example/numpy-2.2.3-manylinux.whl', size = 16106220, hashes = {sha256 = '${SHA_A}'}},
]

[[packages]]
name = 'attrs'
version = '25.1.0'
requires-python = '>=3.8'
index = 'https://pypi.org/simple/'
dependencies = [{name = 'zope.interface'}, {name = 'cattrs', version = '24.1'}]
sdist = {name = 'attrs-25.1.0.tar.gz', upload-time = 2025-01-25T11:30:12Z, path = 'dist/attrs-25.1.0.tar.gz', size = 810562, hashes = {sha256 = '${SHA_C}'}}

  [[packages.wheels]]
  name = 'attrs-25.1.0-py3-none-any.whl'
  upload-time = 2025-01-25T11:30:10.164Z
  url = 'https://files.example/attrs-25.1.0-py3-none-any.whl'
  size = 63152
  hashes = {sha256 = '${SHA_A}'}

  [[packages.attestation-identities]]
  environment = 'release-pypi'
  kind = 'GitHub'
  repository = 'python-attrs/attrs'
  workflow = 'pypi-package.yml'

  [packages.tool.wheelhouse]
  blob = 'x'

[tool.wheelhouse]
targets = ['cp312-linux']
`;

describe("parsePylock", () => {
  it("reads the example shape", () => {
    const lock = parsePylock(EXAMPLE);
    expect(lock.lockVersion).toBe("1.0");
    expect(lock.environments).toEqual(["sys_platform == 'win32'", "sys_platform == 'linux'"]);
    expect(lock.requiresPython).toBe("== 3.12.*");
    expect([lock.extras, lock.dependencyGroups, lock.defaultGroups]).toEqual([[], [], []]);
    expect(lock.createdBy).toBe("wheelhouse");
    expect(lock.tool).toEqual({ wheelhouse: { targets: ["cp312-linux"] } });
    const attrs = lock.packages[1];
    expect(attrs).toEqual<PylockPackage>({
      name: "attrs",
      version: "25.1.0",
      requiresPython: ">=3.8",
      index: "https://pypi.org/simple/",
      dependencies: [{ name: "zope.interface" }, { name: "cattrs", version: "24.1" }],
      sdist: {
        name: "attrs-25.1.0.tar.gz",
        uploadTime: "2025-01-25T11:30:12.000Z",
        path: "dist/attrs-25.1.0.tar.gz",
        size: 810562,
        hashes: { sha256: SHA_C },
      },
      wheels: [
        {
          name: "attrs-25.1.0-py3-none-any.whl",
          uploadTime: "2025-01-25T11:30:10.164Z",
          url: "https://files.example/attrs-25.1.0-py3-none-any.whl",
          size: 63152,
          hashes: { sha256: SHA_A },
        },
      ],
      attestationIdentities: [
        {
          environment: "release-pypi",
          kind: "GitHub",
          repository: "python-attrs/attrs",
          workflow: "pypi-package.yml",
        },
      ],
      tool: { wheelhouse: { blob: "x" } },
    });
    // microseconds are cut to milliseconds (smol-toml), the offset becomes the same instant
    expect(lock.packages[0].wheels?.[0].uploadTime).toBe("2025-02-13T16:51:21.821+00:00");
  });

  it.each([
    ["not toml = = =", "is not valid TOML"],
    ["created-by = 'x'\n[[packages]]\nname = 'a'\n", "key lock-version is missing"],
    [
      "lock-version = '2.0'\ncreated-by = 'x'\npackages = []\n",
      'lock-version "2.0" is not supported',
    ],
    ["lock-version = '1.0'\npackages = []\n", "key created-by is missing"],
    ["lock-version = '1.0'\ncreated-by = 'x'\n", "key packages is missing"],
    [
      "lock-version = '1.0'\ncreated-by = 'x'\nextras = 'a'\npackages = []\n",
      "key extras is not an array of strings",
    ],
    [
      "lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nversion = '1'\n",
      "packages[0].name is missing",
    ],
    [
      "lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nsdist = {url = 'u'}\n",
      'packages[0] ("a").sdist.hashes is missing',
    ],
    [
      "lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nwheels = [{hashes = {sha256 = 'x'}}]\n",
      'packages[0] ("a").wheels[0] has neither url nor path',
    ],
    [
      "lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nsdist = {url = 'u', size = -1, hashes = {sha256 = 'x'}}\n",
      'packages[0] ("a").sdist.size is not a non-negative integer',
    ],
    [
      "lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nsdist = {url = 'u', upload-time = 2025-01-01T00:00:00, hashes = {sha256 = 'x'}}\n",
      'packages[0] ("a").sdist.upload-time is not a TOML offset datetime',
    ],
    [
      "lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\ndirectory = {path = '.'}\nsdist = {url = 'u', hashes = {sha256 = 'x'}}\n",
      'packages[0] ("a") has more than one source',
    ],
  ])("rejects %j", (text, why) => {
    let error: unknown;
    try {
      parsePylock(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WheelhouseError);
    expect((error as WheelhouseError).code).toBe("INVALID_PYLOCK");
    expect((error as WheelhouseError).message).toContain(why);
  });

  it("names the file in messages", () => {
    expect(() =>
      parsePylock(
        "lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 1\n",
        "pylock.dev.toml",
      ),
    ).toThrowErrorMatchingInlineSnapshot(
      `[WheelhouseError: pylock.dev.toml is invalid: packages[0].name is not a string]`,
    );
  });

  it("keeps directory, vcs and archive tables as they are", () => {
    const lock = parsePylock(
      "lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\ndirectory = {path = '.', editable = false}\n[[packages]]\nname = 'b'\nvcs = {type = 'git', url = 'https://g/b', commit-id = 'abc'}\n",
    );
    expect(lock.packages.map((p) => p.directory ?? p.vcs)).toEqual([
      { path: ".", editable: false },
      { type: "git", url: "https://g/b", "commit-id": "abc" },
    ]);
    expect(parsePylock(formatPylock(lock))).toEqual(lock);
  });
});

describe("formatPylock", () => {
  it("writes the spec's key order, packages sorted by name then version", () => {
    expect(formatPylock(parsePylock(EXAMPLE))).toMatchInlineSnapshot(`
      "lock-version = "1.0"
      environments = ["sys_platform == 'win32'", "sys_platform == 'linux'"]
      requires-python = "== 3.12.*"
      created-by = "wheelhouse"

      [[packages]]
      name = "attrs"
      version = "25.1.0"
      requires-python = ">=3.8"
      dependencies = [
        { name = "cattrs", version = "24.1" },
        { name = "zope-interface" },
      ]
      index = "https://pypi.org/simple/"
      sdist = { name = "attrs-25.1.0.tar.gz", upload-time = 2025-01-25T11:30:12.000Z, path = "dist/attrs-25.1.0.tar.gz", size = 810562, hashes = { sha256 = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" } }
      wheels = [
        { name = "attrs-25.1.0-py3-none-any.whl", upload-time = 2025-01-25T11:30:10.164Z, url = "https://files.example/attrs-25.1.0-py3-none-any.whl", size = 63152, hashes = { sha256 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } },
      ]
      attestation-identities = [
        { environment = "release-pypi", kind = "GitHub", repository = "python-attrs/attrs", workflow = "pypi-package.yml" },
      ]
      tool = { wheelhouse = { blob = "x" } }

      [[packages]]
      name = "numpy"
      version = "2.2.3"
      requires-python = ">=3.10"
      wheels = [
        { name = "numpy-2.2.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", upload-time = 2025-02-13T16:50:00.000Z, url = "https://files.example/numpy-2.2.3-manylinux.whl", size = 16106220, hashes = { sha256 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } },
        { name = "numpy-2.2.3-cp312-cp312-win_amd64.whl", upload-time = 2025-02-13T16:51:21.821Z, url = "https://files.example/numpy-2.2.3-cp312-cp312-win_amd64.whl", size = 12626357, hashes = { sha256 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" } },
      ]

      [tool]
      wheelhouse = { targets = ["cp312-linux"] }
      "
    `);
  });

  it("sorts versions numerically and is idempotent", () => {
    const lock: Pylock = {
      lockVersion: "1.0",
      extras: ["cli"],
      dependencyGroups: ["dev"],
      defaultGroups: [],
      createdBy: "wheelhouse",
      packages: ["1.10.0", "1.9.0", "1.9.0rc1"].map((version) => ({
        name: "Foo_Bar",
        version,
        wheels: [{ path: `foo_bar-${version}-py3-none-any.whl`, hashes: { sha256: SHA_A } }],
      })),
    };
    const text = formatPylock(lock);
    expect(parsePylock(text).packages.map((p) => p.version)).toEqual([
      "1.9.0",
      "1.9.0rc1",
      "1.10.0",
    ]);
    expect(text).toContain('extras = ["cli"]\ndependency-groups = ["dev"]\ncreated-by');
    expect(formatPylock(parsePylock(text))).toBe(text);
  });

  it("rejects an upload time without an offset", () => {
    const lock = parsePylock(EXAMPLE);
    lock.packages[0].wheels![0].uploadTime = "2025-01-01 10:00";
    expect(() => formatPylock(lock)).toThrowError(
      /upload-time "2025-01-01 10:00" is not an RFC 3339 datetime/,
    );
  });

  it("round-trips: parsePylock(formatPylock(x)) equals x sorted", () => {
    const text = fc.string({
      unit: fc.constantFrom("a", "-", "é", "'", '"', "\\", "\u007f", "\n", " ", "="),
    });
    // Files are named after their package (the reader checks that); odd text goes in the URL.
    const file = fc.record(
      {
        url: text,
        size: fc.nat(),
        uploadTime: fc
          .date({ min: new Date("1990-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
          .map((d) => d.toISOString()),
        hashes: fc.record({ sha256: fc.stringMatching(/^[0-9a-f]{64}$/) }),
      },
      { requiredKeys: ["url", "hashes"] },
    );
    // Platforms that differ in a letter, so that code-unit order is the writer's order.
    const platform = fc.constantFrom("any", "win_amd64", "linux_x86_64", "macosx_11_0_arm64");
    const pkg = fc
      .record(
        {
          name: fc.stringMatching(/^[a-z]{1,6}$/), // no digits: the test sorts by code units
          version: fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$/),
          marker: text,
          requiresPython: text,
          index: text,
          sdist: file,
          wheels: fc.uniqueArray(fc.tuple(platform, file), {
            minLength: 1,
            maxLength: 3,
            selector: ([tag]) => tag,
          }),
        },
        { requiredKeys: ["name", "wheels"] },
      )
      .map(({ sdist, wheels, ...p }): PylockPackage => {
        const stem = `${p.name}-${p.version ?? "0"}`;
        return {
          ...p,
          ...(sdist ? { sdist: { name: `${stem}.tar.gz`, ...sdist } } : {}),
          wheels: wheels.map(([tag, f]) => ({ name: `${stem}-py3-none-${tag}.whl`, ...f })),
        };
      });
    const lockArb = fc.record({
      lockVersion: fc.constant("1.0" as const),
      requiresPython: text,
      extras: fc.array(text, { maxLength: 2 }),
      dependencyGroups: fc.array(text, { maxLength: 2 }),
      defaultGroups: fc.array(text, { maxLength: 2 }),
      createdBy: text,
      packages: fc.uniqueArray(pkg, { selector: (p) => p.name, maxLength: 4 }),
    });
    fc.assert(
      fc.property(lockArb, (lock) => {
        const out = formatPylock(lock);
        parse(out); // valid TOML
        const back = parsePylock(out);
        const sorted = [...lock.packages].sort((a, b) => (a.name < b.name ? -1 : 1));
        expect(back.packages.map((p) => p.name)).toEqual(sorted.map((p) => p.name));
        expect(back).toEqual({
          ...lock,
          packages: sorted.map((p) => ({
            ...p,
            wheels:
              p.wheels &&
              [...p.wheels].sort((a, b) => byCodeUnits(a.name ?? a.url!, b.name ?? b.url!)),
          })),
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("isPylockFilename", () => {
  it.each([
    ["pylock.toml", true],
    ["pylock.dev.toml", true],
    ["pylock.a.b.toml", false],
    ["pylock..toml", false],
    ["Pylock.toml", false],
    ["pylock.toml.bak", false],
    ["poetry.lock", false],
  ])("%s -> %s", (name, expected) => {
    expect(isPylockFilename(name)).toBe(expected);
  });
});

/** The writer's wheel order when names carry no digits: plain code-unit order. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
