// parsePylock's checks that follow PEP 751's text and packaging 26's pylock reader
// (packaging.pylock.Pylock.from_dict, used as the oracle: python3 -c 'import tomllib;
// from packaging.pylock import Pylock; Pylock.from_dict(tomllib.load(open(FILE, "rb")))'),
// and formatPylock's upload times and tool tables.
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { WheelhouseError } from "../../src/pep/errors.js";
import { formatPylock, type Pylock, parsePylock } from "../../src/pep/pylock.js";

const SHA = "a".repeat(64);

function lock(packages: string, top = ""): string {
  return `lock-version = "1.0"\ncreated-by = "test"\n${top}\n${packages}`;
}

function wheelPackage(name: string, version: string | undefined, file: string): string {
  const v = version === undefined ? "" : `version = "${version}"\n`;
  return `[[packages]]\nname = "${name}"\n${v}wheels = [{ ${file}, hashes = { sha256 = "${SHA}" } }]\n`;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof WheelhouseError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error("no error thrown");
}

describe("parsePylock lock-version (PEP 751: error on another major, warn on a newer minor)", () => {
  it.each([
    ["1.0", []],
    ["1", []], // packaging compares as versions: 1 == 1.0
    ["1.0.0", []],
    [
      "1.1",
      [
        'pylock.toml: lock-version "1.1" is newer than 1.0, the version wheelhouse knows; keys added since are ignored',
      ],
    ],
  ])("reads %s", (version, warnings) => {
    const read = parsePylock(lock("packages = []").replace('"1.0"', `"${version}"`));
    expect(read.lockVersion).toBe("1.0");
    expect(read.warnings ?? []).toEqual(warnings);
  });

  it.each(["2.0", "0.9", "1.0a1", "one"])("refuses %s", (version) => {
    expect(
      messageOf(() => parsePylock(lock("packages = []").replace('"1.0"', `"${version}"`))),
    ).toBe(
      `INVALID_PYLOCK: pylock.toml is invalid: lock-version "${version}" is not supported (wheelhouse reads 1.x)`,
    );
  });

  it("warns about keys it does not know, where they are", () => {
    const text = lock(
      wheelPackage("foo", "1.0", 'name = "foo-1.0-py3-none-any.whl", url = "u", mirror = "m"') +
        'color = "red"\n',
      'future = true\nlock-version-2 = "x"',
    ).replace('"1.0"', '"1.2"');
    expect(parsePylock(text).warnings).toEqual([
      'pylock.toml: lock-version "1.2" is newer than 1.0, the version wheelhouse knows; keys added since are ignored',
      "pylock.toml: unknown key future is ignored",
      "pylock.toml: unknown key lock-version-2 is ignored",
      'pylock.toml: unknown key packages[0] ("foo").color is ignored',
      'pylock.toml: unknown key packages[0] ("foo").wheels[0].mirror is ignored',
    ]);
  });
});

describe("parsePylock files must belong to their package (packaging refuses the same)", () => {
  it.each([
    ["the name", "foo", "1.0", 'name = "foo-1.0-py3-none-any.whl", url = "https://x/a"'],
    ["the path", "foo", "1.0", 'path = "dist\\\\Foo-1.0-py3-none-any.whl"'],
    [
      "the URL, percent-decoded",
      "foo",
      "1.0+cpu",
      'url = "https://x/foo-1.0%2Bcpu-py3-none-any.whl?x=1"',
    ],
    ["a version spelled otherwise", "foo", "1.0.0", 'name = "foo-1.0-py3-none-any.whl", url = "u"'],
    ["no package version", "foo", undefined, 'name = "foo-2-py3-none-any.whl", url = "u"'],
    [
      "a non-normalized package name",
      "Foo.Bar",
      "1",
      'name = "foo_bar-1-py3-none-any.whl", url = "u"',
    ],
  ])("takes a wheel named by %s", (_, name, version, file) => {
    expect(parsePylock(lock(wheelPackage(name, version, file))).packages[0].name).toBe(name);
  });

  it.each([
    [
      "of another project",
      wheelPackage("foo", "1.0", 'name = "evil-1.0-py3-none-any.whl", url = "u"'),
      'INVALID_PYLOCK: pylock.toml is invalid: packages[0] ("foo").wheels[0] is "evil-1.0-py3-none-any.whl", a file of another project than "foo"',
    ],
    [
      "of another version",
      wheelPackage("foo", "1.0", 'url = "https://x/foo-1.1-py3-none-any.whl"'),
      'INVALID_PYLOCK: pylock.toml is invalid: packages[0] ("foo").wheels[0] is "foo-1.1-py3-none-any.whl", not of version "1.0"',
    ],
    [
      "that is no wheel",
      wheelPackage("foo", "1.0", 'url = "https://x/foo-1.0.tar.gz"'),
      'INVALID_PYLOCK: pylock.toml is invalid: packages[0] ("foo").wheels[0] names no wheel: wheel filename "foo-1.0.tar.gz" is invalid: it does not end in ".whl"',
    ],
    [
      "an sdist of another project",
      `[[packages]]\nname = "foo"\nsdist = { url = "https://x/bar-1.0.tar.gz", hashes = { sha256 = "${SHA}" } }\n`,
      'INVALID_PYLOCK: pylock.toml is invalid: packages[0] ("foo").sdist is "bar-1.0.tar.gz", a file of another project than "foo"',
    ],
    [
      "with no source at all",
      '[[packages]]\nname = "foo"\nversion = "1.0"\n',
      'INVALID_PYLOCK: pylock.toml is invalid: packages[0] ("foo") has no source (one of vcs, directory, archive, or sdist and/or wheels)',
    ],
  ])("refuses a file %s", (_, packages, message) => {
    expect(messageOf(() => parsePylock(lock(packages)))).toBe(message);
  });

  it("does not check an sdist whose name is no sdist filename (an old archive format)", () => {
    const text = lock(
      `[[packages]]\nname = "foo"\nsdist = { url = "https://x/foo-1.0.tgz", hashes = { sha256 = "${SHA}" } }\n`,
    );
    expect(parsePylock(text).packages[0].sdist?.url).toBe("https://x/foo-1.0.tgz");
  });
});

describe("formatPylock", () => {
  const base = (uploadTime: string): Pylock => ({
    lockVersion: "1.0",
    createdBy: "test",
    extras: [],
    dependencyGroups: [],
    defaultGroups: [],
    packages: [
      {
        name: "Foo_Bar",
        version: "1.0",
        wheels: [
          { name: "foo_bar-1.0-py3-none-any.whl", url: "u", uploadTime, hashes: { sha256: SHA } },
        ],
      },
    ],
  });

  it.each([
    ["2025-01-25T11:30:10.164985+00:00", "2025-01-25T11:30:10.164985Z"],
    ["2025-01-25T01:30:10+02:00", "2025-01-24T23:30:10Z"],
    ["2024-12-31 23:30:00.5-01:30", "2025-01-01T01:00:00.5Z"],
    ["2025-01-25t11:30:10z", "2025-01-25T11:30:10Z"],
  ])("writes upload-time %s in UTC as %s (PEP 751: MUST be recorded in UTC)", (given, written) => {
    const text = formatPylock(base(given));
    expect(text).toContain(`upload-time = ${written},`);
    expect(parsePylock(text).packages[0].wheels?.[0].uploadTime).toBe(
      new Date(written).toISOString(),
    );
  });

  it.each([
    "2025-02-30T00:00:00Z",
    "2025-13-01T00:00:00Z",
    "2025-01-01T24:00:00Z",
    "2025-01-01T00:00:60Z",
    "2025-01-01T00:00:00+24:00",
  ])("refuses upload-time %s, a time that does not exist (it made invalid TOML)", (given) => {
    expect(messageOf(() => formatPylock(base(given)))).toBe(
      `INVALID_PYLOCK: package "Foo_Bar": upload-time "${given}" is not an RFC 3339 datetime with an offset`,
    );
  });

  it("writes package and dependency names normalized (PEP 751 packages.name)", () => {
    const l = base("2025-01-01T00:00:00Z");
    l.packages[0].dependencies = [{ name: "Zope.Interface" }];
    const text = formatPylock(l);
    expect(text).toContain('name = "foo-bar"\n');
    expect(text).toContain('{ name = "zope-interface" }');
  });

  it("keeps every [tool] entry, empty arrays too", () => {
    const text = lock("packages = []\n[tool]\nempty = []\nnested = { list = [] }\n");
    const written = formatPylock(parsePylock(text));
    expect(parse(written).tool).toEqual({ empty: [], nested: { list: [] } });
  });
});
