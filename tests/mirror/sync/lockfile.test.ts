// The outputs of a sync read back: hashed requirements and pylock.toml from a pylock.toml input
// whose packages leave out `version` (PEP 751 makes it optional), and the --json report's one
// entry per package.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { plural } from "../../../src/cmd/store-output.js";
import {
  buildLock,
  formatHashedRequirements,
  lockedPackagesOf,
} from "../../../src/mirror/sync/lockfile.js";
import { reportJson, summaryLines } from "../../../src/mirror/sync/report.js";
import { sync } from "../../../src/mirror/sync/sync.js";
import type { LockedPackage } from "../../../src/mirror/sync/types.js";
import { formatPylock, parsePylock } from "../../../src/pep/pylock.js";
import { parseTarget } from "../../../src/pep/target.js";
import type { Store } from "../../../src/store/store.js";
import { buildSdist, buildWheel, writeDistributions } from "../../helpers/wheels.js";
import { testClient } from "../upstream/helpers.js";
import { freshStore } from "./sync-fixtures.js";

const LINUX = parseTarget("cp311-manylinux_2_28_x86_64");
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

/** A store and a folder holding `nov` 1.0 as sdist and wheel, and a pylock.toml naming both. */
async function versionlessLock(lockText: (sdist: string, wheel: string) => string) {
  const { store, dir } = await freshStore(cleanup);
  const wheel = await buildWheel({ name: "nov", version: "1.0" });
  const sdist = await buildSdist({ name: "nov", version: "1.0" });
  await writeDistributions(dir, [wheel, sdist]);
  const path = join(dir, "pylock.toml");
  const text =
    'lock-version = "1.0"\ncreated-by = "hand"\n' +
    lockText(
      `{ path = "${sdist.filename}", hashes = { sha256 = "${sdist.sha256}" } }`,
      `{ path = "${wheel.filename}", hashes = { sha256 = "${wheel.sha256}" } }`,
    );
  await writeFile(path, text);
  const locked = lockedPackagesOf(parsePylock(text, path), path);
  return { store, locked, wheel, sdist };
}

/** sync() of `locked` alone for LINUX, from no index. */
function syncLocked(store: Store, locked: LockedPackage[], dryRun = false) {
  return sync({
    store,
    http: testClient(),
    indexUrls: [],
    targets: [LINUX],
    requirements: [],
    locked,
    dryRun,
  });
}

describe("a pylock.toml input whose packages have no version", () => {
  it("pins the version its filenames state in every output", async () => {
    const { store, locked, wheel, sdist } = await versionlessLock(
      (s, w) => `[[packages]]\nname = "nov"\nsdist = ${s}\nwheels = [${w}]\n`,
    );
    const { report, selections } = await syncLocked(store, locked);
    expect(report.failed).toEqual([]);
    // pip refuses "nov==" (no version) in hash-checking mode: the line must pin 1.0.
    const [, ...lines] = formatHashedRequirements(selections[0]).trimEnd().split("\n");
    expect(lines).toEqual([
      "nov==1.0 \\",
      `    --hash=sha256:${[wheel.sha256, sdist.sha256].sort()[0]} \\`,
      `    --hash=sha256:${[wheel.sha256, sdist.sha256].sort()[1]}`,
    ]);
    // packaging.pylock refuses version = "" ("Invalid version"): the lock states 1.0.
    const lock = parsePylock(formatPylock(buildLock([LINUX], selections)));
    expect(lock.packages.map((p) => [p.name, p.version])).toEqual([["nov", "1.0"]]);
    // The report lists the package once, with both of its files.
    const json = reportJson(report) as { targets: { packages: unknown[] }[] };
    expect(json.targets[0].packages).toEqual([
      {
        name: "nov",
        version: "1.0",
        files: [
          expect.objectContaining({ filename: sdist.filename, sha256: sdist.sha256 }),
          expect.objectContaining({ filename: wheel.filename, sha256: wheel.sha256 }),
        ],
      },
    ]);
  });

  it("a dry run counts files, not packages, as what it would add", async () => {
    const { store, locked } = await versionlessLock(
      (s, w) => `[[packages]]\nname = "nov"\nversion = "1.0"\nsdist = ${s}\nwheels = [${w}]\n`,
    );
    const { report } = await syncLocked(store, locked, true);
    expect(summaryLines(report, String, plural)[0]).toMatch(
      /^cp311-manylinux_2_28_x86_64: 1 project, 2 files would add/,
    );
  });

  it("refuses to write a requirement it cannot pin", () => {
    const file = {
      filename: "nov-src.zip",
      url: "file:///x/nov-src.zip",
      sha256: "a".repeat(64),
      yanked: false as const,
      source: "/x/pylock.toml",
    };
    const selection = { target: "t", resolveMs: 0, packages: [{ name: "nov", version: "", file }] };
    expect(() => formatHashedRequirements(selection)).toThrow(
      expect.objectContaining({ code: "VERSION_UNKNOWN" }),
    );
    expect(
      buildLock([LINUX], [{ ...selection, target: LINUX.spec }]).packages[0],
    ).not.toHaveProperty("version");
  });

  it("refuses one project at two versions (requirements resolved next to a lock)", () => {
    const file = (version: string) => ({
      filename: `nov-${version}-py3-none-any.whl`,
      url: `file:///x/nov-${version}-py3-none-any.whl`,
      sha256: version.replace(".", "").padEnd(64, "0"),
      yanked: false as const,
      source: "/x",
    });
    const selection = {
      target: "t",
      resolveMs: 0,
      packages: [
        { name: "nov", version: "2.0", file: file("2.0") },
        { name: "nov", version: "1.0", file: file("1.0") },
      ],
    };
    // It wrote "nov==2.0" with the hashes of both files: pip took 2.0, not the lock's 1.0.
    expect(() => formatHashedRequirements(selection)).toThrow(
      expect.objectContaining({ code: "REQUIREMENTS_CONFLICT" }),
    );
  });
});

describe("a lock's archive entries (PEP 751 packages.archive)", () => {
  const HASH = "a".repeat(64);
  const lockWith = (archive: string, name = "plugin") =>
    parsePylock(
      `lock-version = "1.0"\ncreated-by = "x"\n[[packages]]\nname = "${name}"\nversion = "0.5"\narchive = ${archive}\n`,
      "pylock.toml",
    );

  it("reads one naming a wheel or sdist as that file, a direct reference, and writes it back", () => {
    const url = "https://files.example.test/rel/plugin-0.5-py3-none-any.whl";
    const lock = lockWith(`{ url = "${url}", size = 12, hashes = { sha256 = "${HASH}" } }`);
    expect(lock.packages[0].archive).toEqual({ url, size: 12, hashes: { sha256: HASH } });
    expect(formatPylock(lock)).toContain(
      `archive = { url = "${url}", size = 12, hashes = { sha256 = "${HASH}" } }`,
    );
    const [pkg] = lockedPackagesOf(lock, "/locks/pylock.toml");
    expect(pkg.files).toEqual([
      {
        filename: "plugin-0.5-py3-none-any.whl",
        url,
        sha256: HASH,
        size: 12,
        yanked: false,
        source: "/locks/pylock.toml",
        direct: true,
      },
    ]);
    const local = lockedPackagesOf(
      lockWith(`{ path = "dl/plugin-0.5.tar.gz", hashes = { sha256 = "${HASH}" } }`),
      "/locks/pylock.toml",
    );
    expect(local[0].files[0]).toMatchObject({
      filename: "plugin-0.5.tar.gz",
      url: "file:///locks/dl/plugin-0.5.tar.gz",
    });
  });

  it("refuses one it cannot mirror, naming the lock, the package and the archive", () => {
    const cases: [string, string, RegExp][] = [
      [
        `{ url = "https://h.test/main.zip", hashes = { sha256 = "${HASH}" } }`,
        "plugin",
        /the archive of package "plugin" \("https:\/\/h\.test\/main\.zip"\) is not named as a wheel or an sdist/,
      ],
      [
        `{ url = "https://h.test/src.tar.gz", subdirectory = "pkg", hashes = { sha256 = "${HASH}" } }`,
        "plugin",
        /is a source tree in sub-directory "pkg"/,
      ],
      [
        `{ url = "https://h.test/other-0.5-py3-none-any.whl", hashes = { sha256 = "${HASH}" } }`,
        "plugin",
        /is a distribution of "other"/,
      ],
    ];
    for (const [archive, name, message] of cases) {
      expect(() => lockedPackagesOf(lockWith(archive, name), "pylock.toml")).toThrow(message);
    }
    expect(() => lockWith(`{ url = "https://h.test/plugin-0.5.tar.gz" }`)).toThrow(
      'pylock.toml is invalid: packages[0] ("plugin").archive.hashes is missing',
    );
  });
});

describe("a lock's source trees (vcs, directory)", () => {
  const LOCK = `lock-version = "1.0"
created-by = "pip"
[[packages]]
name = "myapp"
directory = { path = ".", editable = false }
[[packages]]
name = "six"
version = "1.17.0"
wheels = [{ url = "https://f.test/six-1.17.0-py2.py3-none-any.whl", hashes = { sha256 = "${"b".repeat(64)}" } }]
`;

  it("are left out with a warning for a mirror (the project itself, as pip lock . lists it)", () => {
    const warnings: string[] = [];
    const locked = lockedPackagesOf(parsePylock(LOCK, "pylock.toml"), "pylock.toml", (w) =>
      warnings.push(w),
    );
    expect(locked.map((p) => p.name)).toEqual(["six"]);
    expect(warnings).toEqual([
      'pylock.toml: package "myapp" is a source tree (directory), which is not mirrored; build it into a wheel to carry it',
    ]);
  });

  it("are refused where they would have to be installed", () => {
    expect(() => lockedPackagesOf(parsePylock(LOCK, "pylock.toml"), "pylock.toml")).toThrow(
      /package "myapp" has no sdist, wheels or archive/,
    );
  });
});

describe("a lock in uv's shape (uv export --format pylock.toml)", () => {
  it("reads files without a name (taken from the URL), with upload times to the second", () => {
    const text = `lock-version = "1.0"
created-by = "uv"
requires-python = ">=3.12"

[[packages]]
name = "anyio"
version = "4.9.0"
index = "https://pypi.org/simple"
sdist = { url = "https://files.test/anyio-4.9.0.tar.gz", upload-time = 2025-03-17T00:02:54Z, size = 190949, hashes = { sha256 = "${"c".repeat(64)}" } }
wheels = [{ url = "https://files.test/anyio-4.9.0-py3-none-any.whl", upload-time = 2025-03-17T00:02:52Z, size = 100916, hashes = { sha256 = "${"d".repeat(64)}" } }]
`;
    const [pkg] = lockedPackagesOf(parsePylock(text, "pylock.toml"), "pylock.toml");
    expect(pkg.files.map((f) => [f.filename, f.size, f.uploadTime])).toEqual([
      ["anyio-4.9.0.tar.gz", 190949, "2025-03-17T00:02:54.000Z"],
      ["anyio-4.9.0-py3-none-any.whl", 100916, "2025-03-17T00:02:52.000Z"],
    ]);
  });
});
