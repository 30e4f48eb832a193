// sync of requirements that name a file (`name @ https://...`, `name @ file:...`, a path), as
// `pip download` takes them: that file is the only candidate of its project (the index is not
// asked for it), it is downloaded, verified by its URL's #sha256= or its one --hash, and stored;
// its dependencies come from the index; one project may name one file per platform through
// markers; the lock records it as a PEP 751 archive, which a later `-r pylock.toml` mirrors
// again.

import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildLock,
  formatHashedRequirements,
  lockedPackagesOf,
} from "../../../src/mirror/sync/lockfile.js";
import { sync } from "../../../src/mirror/sync/sync.js";
import type { SyncOptions } from "../../../src/mirror/sync/types.js";
import { formatPylock, parsePylock } from "../../../src/pep/pylock.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import { iterateFiles } from "../../../src/store/queries.js";
import type { Store } from "../../../src/store/store.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../../helpers/wheels.js";
import { testClient } from "../upstream/helpers.js";
import { freshStore } from "./sync-fixtures.js";

const LINUX = parseTarget("cp311-manylinux_2_28_x86_64");
const WINDOWS = parseTarget("cp312-win_amd64");
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

let index: FakeIndex;
/** Serves files that no index page lists, as a release page or a file host does. */
let host: FakeIndex;
/** The same, answering Range requests. */
let rangeHost: FakeIndex;
let plugin: BuiltDistribution;
let linuxOnly: BuiltDistribution;
let windowsOnly: BuiltDistribution;

beforeAll(async () => {
  plugin = await buildWheel({ name: "plugin", version: "0.5", requiresDist: ["util>=1"] });
  linuxOnly = await buildWheel({
    name: "native",
    version: "1.0",
    tags: "cp311-cp311-manylinux_2_17_x86_64",
  });
  windowsOnly = await buildWheel({ name: "native", version: "1.0", tags: "cp312-cp312-win_amd64" });
  index = await startFakeIndex({
    projects: {
      util: [{ dist: await buildWheel({ name: "util", version: "1.2" }) }],
      // A newer plugin on the index: the direct reference must win over it.
      plugin: [{ dist: await buildWheel({ name: "plugin", version: "9.0" }) }],
    },
  });
  host = await startFakeIndex({
    projects: { plugin: [{ dist: plugin }], native: [{ dist: linuxOnly }, { dist: windowsOnly }] },
    range: false,
  });
  rangeHost = await startFakeIndex({ projects: { plugin: [{ dist: plugin }] }, range: true });
  cleanup.push(
    () => index.close(),
    () => host.close(),
    () => rangeHost.close(),
  );
});

async function store(): Promise<Store> {
  const { store } = await freshStore(cleanup);
  return store;
}

function syncOf(s: Store, requirements: string[], more: Partial<SyncOptions> = {}) {
  return sync({
    store: s,
    http: testClient(),
    indexUrls: [index.indexUrl],
    targets: [LINUX],
    requirements: requirements.map(parseRequirement),
    ...more,
  });
}

const urlOf = (dist: BuiltDistribution) => `${host.origin}${host.filePath(dist.filename)}`;
const stored = (s: Store) => [...iterateFiles(s)].map((f) => f.filename).sort();

describe("sync of direct references", () => {
  it("stores the named file, not the index's newer release, and its dependencies from the index", async () => {
    const s = await store();
    const before = index.count("/simple/plugin/");
    const { report, selections } = await syncOf(s, [`plugin @ ${urlOf(plugin)}`]);
    expect(report.failed).toEqual([]);
    expect(stored(s)).toEqual([plugin.filename, "util-1.2-py3-none-any.whl"]);
    const files = report.targets[0].packages.find((p) => p.name === "plugin")!.files;
    expect(files).toEqual([
      {
        filename: plugin.filename,
        sha256: plugin.sha256,
        size: plugin.bytes.length,
        url: urlOf(plugin),
      },
    ]);
    expect(index.count("/simple/plugin/")).toBe(before);

    const lock = formatPylock(buildLock([LINUX], selections));
    expect(lock).toContain(
      `archive = { url = "${urlOf(plugin)}", size = ${plugin.bytes.length}, hashes = { sha256 = "${plugin.sha256}" } }`,
    );
    expect(formatHashedRequirements(selections[0])).toContain(
      `plugin==0.5 \\\n    --hash=sha256:${plugin.sha256}`,
    );
  });

  it("mirrors a lock's archive again from its URL", async () => {
    const first = await syncOf(await store(), [`plugin @ ${urlOf(plugin)}`]);
    const text = formatPylock(buildLock([LINUX], first.selections));
    const locked = lockedPackagesOf(parsePylock(text, "pylock.toml"), "pylock.toml");
    expect(locked.find((p) => p.name === "plugin")?.files[0]).toMatchObject({
      filename: plugin.filename,
      url: urlOf(plugin),
      sha256: plugin.sha256,
      direct: true,
    });
    const s = await store();
    const again = await syncOf(s, [], { locked });
    expect(again.report.failed).toEqual([]);
    expect(stored(s)).toEqual([plugin.filename, "util-1.2-py3-none-any.whl"]);
    // Written back, it is an archive again.
    const archive = (lock: string) => lock.split("\n").filter((l) => l.startsWith("archive"));
    expect(archive(formatPylock(buildLock([LINUX], again.selections)))).toEqual(archive(text));
    expect(archive(text)).toHaveLength(1);
  });

  it("checks the URL's #sha256= and a lone --hash, storing nothing that differs", async () => {
    const wrong = "0".repeat(64);
    // Without Range (host) the file is read whole for its metadata, and the mismatch fails the
    // sync; with Range (rangeHost) the metadata comes from the zip's end, and the mismatch fails
    // the file's download (report.failed).
    const ranged = `${rangeHost.origin}${rangeHost.filePath(plugin.filename)}`;
    for (const [requirement, hashes] of [
      [`plugin @ ${urlOf(plugin)}#sha256=${wrong}`, undefined],
      [`plugin @ ${ranged}#sha256=${wrong}`, undefined],
      [`plugin @ ${urlOf(plugin)}`, new Map([["plugin", new Set([wrong])]])],
      [`plugin @ ${ranged}`, new Map([["plugin", new Set([wrong])]])],
    ] as const) {
      const s = await store();
      const error = await syncOf(s, [requirement], {
        ...(hashes ? { policy: { hashes } } : {}),
      }).then(
        ({ report }) =>
          report.failed.map((f) => `${f.planned.file.filename}: ${f.message}`).join("\n"),
        (e: Error) => e.message,
      );
      expect(error).toContain(plugin.filename);
      expect(error).toContain(wrong);
      expect(error).toContain(plugin.sha256);
      expect(stored(s)).not.toContain(plugin.filename);
    }
    const s = await store();
    const ok = await syncOf(s, [`plugin @ ${urlOf(plugin)}#sha256=${plugin.sha256}`]);
    expect(ok.report.failed).toEqual([]);
    expect(stored(s)).toContain(plugin.filename);
  });

  it("takes one file per platform through markers, each an archive of its targets", async () => {
    const s = await store();
    const { report, selections } = await syncOf(
      s,
      [
        `native @ ${urlOf(linuxOnly)} ; sys_platform == "linux"`,
        `native @ ${urlOf(windowsOnly)} ; sys_platform == "win32"`,
      ],
      { targets: [LINUX, WINDOWS] },
    );
    expect(report.failed).toEqual([]);
    expect(report.targets.map((t) => t.packages[0].files[0].filename)).toEqual([
      linuxOnly.filename,
      windowsOnly.filename,
    ]);
    expect(stored(s)).toEqual([linuxOnly.filename, windowsOnly.filename].sort());
    const lock = parsePylock(formatPylock(buildLock([LINUX, WINDOWS], selections)));
    expect(lock.packages.map((p) => [p.archive?.url, p.marker?.includes("linux")])).toEqual(
      expect.arrayContaining([
        [urlOf(linuxOnly), true],
        [urlOf(windowsOnly), false],
      ]),
    );
  });

  it("stores a local file named by path or file: URL", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wh-sync-direct-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeDistributions(dir, [plugin]);
    const path = join(dir, plugin.filename);
    for (const requirement of [`plugin @ ${pathToFileURL(path).href}`, `plugin @ ${path}`]) {
      const s = await store();
      const { report } = await syncOf(s, [requirement]);
      expect(report.failed).toEqual([]);
      expect(stored(s)).toEqual([plugin.filename, "util-1.2-py3-none-any.whl"]);
      expect(report.targets[0].packages.find((p) => p.name === "plugin")?.files[0].sha256).toBe(
        createHash("sha256").update(plugin.bytes).digest("hex"),
      );
    }
  });

  it("refuses what names no built distribution, before any request", async () => {
    const cases: [string, RegExp][] = [
      ["plugin @ git+https://example.test/plugin.git", /version-control reference/],
      [
        `plugin @ ${host.origin}/archive/main.zip`,
        /"main\.zip" is not named as a wheel or an sdist/,
      ],
      [
        `util @ ${urlOf(plugin)}`,
        /the requirement names "util", but ".*" is a distribution of "plugin"/,
      ],
      ["plugin @ ftp://example.test/plugin-0.5-py3-none-any.whl", /only http\(s\) and file: URLs/],
    ];
    for (const [requirement, message] of cases) {
      const requests = index.log.length + host.log.length;
      await expect(syncOf(await store(), [requirement]), requirement).rejects.toMatchObject({
        code: "DIRECT_REFERENCE_UNSUPPORTED",
        message,
      });
      expect(index.log.length + host.log.length).toBe(requests);
    }
  });
});
