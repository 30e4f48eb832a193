import { createHash } from "node:crypto";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plural } from "../../../src/cmd/store-output.js";
import { buildLock, lockedPackagesOf } from "../../../src/mirror/sync/lockfile.js";
import { summaryLines } from "../../../src/mirror/sync/report.js";
import { sync } from "../../../src/mirror/sync/sync.js";
import type { SyncOptions } from "../../../src/mirror/sync/types.js";
import { evaluateMarker } from "../../../src/pep/marker.js";
import { formatPylock, parsePylock } from "../../../src/pep/pylock.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { markerEnvironment, parseTarget } from "../../../src/pep/target.js";
import { findFile, iterateFiles, listFiles, listProjects } from "../../../src/store/queries.js";
import type { Store } from "../../../src/store/store.js";
import { HAS_CORPUS } from "../../helpers/corpus.js";
import { type FakeFile, type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { buildSdist, buildWheel, writeDistributions } from "../../helpers/wheels.js";
import { testClient } from "../upstream/helpers.js";
import { corpusProjects, freshStore, generatedProjects, THREE_TARGETS } from "./sync-fixtures.js";

const LINUX = parseTarget("cp311-manylinux_2_28_x86_64");
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function store(): Promise<Store> {
  const { store } = await freshStore(cleanup);
  return store;
}

async function index(projects: Record<string, FakeFile[]>, opts: object = {}): Promise<FakeIndex> {
  const fake = await startFakeIndex({ projects, ...opts });
  cleanup.push(() => fake.close());
  return fake;
}

/** sync() through a test client: requirements as strings, target LINUX unless `more` says. */
function syncFrom(
  s: Store,
  indexUrls: string[],
  requirements: string[],
  more: Partial<SyncOptions> = {},
) {
  return sync({
    store: s,
    http: testClient(),
    indexUrls,
    targets: [LINUX],
    requirements: requirements.map(parseRequirement),
    ...more,
  });
}

function storedNames(s: Store): string[] {
  return [...iterateFiles(s)].map((f) => f.filename).sort();
}

function fileRequests(fake: FakeIndex): number {
  return fake.log.filter((r) => r.path.startsWith("/files/") && !r.path.endsWith(".metadata"))
    .length;
}

let generated: Record<string, FakeFile[]>;
beforeAll(async () => {
  generated = await generatedProjects();
});

describe("sync over every upstream flavour", () => {
  const flavours = [
    { format: "json", range: true },
    { format: "json", range: false },
    { format: "html", range: true },
    { format: "html", range: false },
  ] as const;
  it.each(flavours)("stores the closure (format $format, range $range)", async (flavour) => {
    const fake = await index(generated, flavour);
    const s = await store();
    const { report } = await syncFrom(s, [fake.indexUrl], ["app", "tool"]);
    expect(report.failed).toEqual([]);
    const pkgs = report.targets[0].packages.map(
      (p) => `${p.name}==${p.version}${p.buildOnly ? "*" : ""}`,
    );
    expect(pkgs).toEqual(["app==1.0", "buildkit==1.5*", "core==2.0", "tool==1.2", "util==3.1"]);
    expect(storedNames(s)).toEqual([
      "app-1.0-py3-none-any.whl",
      "buildkit-1.5-py3-none-any.whl",
      "core-2.0-cp311-cp311-manylinux_2_17_x86_64.whl",
      "tool-1.2.tar.gz",
      "util-3.1-py3-none-any.whl",
    ]);
    // A file with a .metadata is downloaded once, for storing only.
    expect(fake.count(fake.filePath("app-1.0-py3-none-any.whl"))).toBe(1);
  });

  it.skipIf(!HAS_CORPUS)("stores the corpus closure served as JSON and as HTML", async () => {
    const projects = await corpusProjects();
    for (const format of ["json", "html"] as const) {
      const fake = await index(projects, { format, range: format === "json" });
      const s = await store();
      const { report } = await syncFrom(
        s,
        [fake.indexUrl],
        ["flask", "requests", "httpx", "pydantic", "rich", "sqlalchemy"],
      );
      expect(report.failed).toEqual([]);
      expect(report.summary.filesAdded).toBe(report.targets[0].packages.length);
      expect(storedNames(s)).toEqual(
        report.targets[0].packages.map((p) => p.files[0].filename).sort(),
      );
      expect(listProjects(s).map((p) => p.name)).toContain("markupsafe");
    }
  });
});

describe("resume and integrity", () => {
  it("a second run skips what is stored without requesting it", async () => {
    const fake = await index(generated);
    const s = await store();
    const first = await syncFrom(s, [fake.indexUrl], ["app"]);
    expect(first.report.summary.filesAdded).toBe(3);
    const before = fileRequests(fake);
    const second = await syncFrom(s, [fake.indexUrl], ["app"]);
    expect(second.report.summary).toMatchObject({ filesAdded: 0, filesSkipped: 3 });
    expect(fileRequests(fake)).toBe(before);
  });

  it("reads a stored wheel's metadata from its blob, and caches only what the store lacks", async () => {
    const fake = await index(generated);
    const s = await store();
    const cacheDir = join(s.layout.dir, "cache", "metadata");
    await syncFrom(s, [fake.indexUrl], ["app"], { cacheDir, dryRun: true });
    expect((await readdir(cacheDir)).length).toBe(3);
    await rm(cacheDir, { recursive: true });
    await syncFrom(s, [fake.indexUrl], ["app"], { cacheDir });
    expect(await readdir(cacheDir).catch(() => [])).toEqual([]);
    const metadataAsked = () => fake.log.filter((r) => r.path.endsWith(".metadata")).length;
    const before = metadataAsked();
    const again = await syncFrom(s, [fake.indexUrl], ["app"], { cacheDir });
    expect(again.report.summary).toMatchObject({ filesAdded: 0, filesSkipped: 3 });
    expect(metadataAsked()).toBe(before);
  });

  it("a hash mismatch stores nothing and names file, URL, expected and actual digest", async () => {
    const bad = generated.util[0];
    const wrong = "0".repeat(64);
    const fake = await index({
      ...generated,
      util: [{ ...bad, dist: { ...bad.dist, sha256: wrong } }],
    });
    const s = await store();
    const { report } = await syncFrom(s, [fake.indexUrl], ["app"]);
    expect(report.failed).toHaveLength(1);
    const failure = report.failed[0];
    expect(failure.code).toBe("HASH_MISMATCH");
    expect(failure.message).toContain(bad.dist.filename);
    expect(failure.message).toContain(`${fake.origin}/files/`);
    expect(failure.message).toContain(wrong);
    expect(failure.message).toContain(bad.dist.sha256);
    expect(findFile(s, bad.dist.filename)).toBeUndefined();
    expect(listFiles(s, "core")).toHaveLength(1);
  });

  it("checks a digest other than sha256 when that is all the source states (#md5=)", async () => {
    const s = await store();
    const dir = join(s.layout.dir, "..", `md5-links-${Date.now()}`);
    await mkdir(dir);
    const good = await buildWheel({ name: "solo", version: "1.0" });
    const bad = await buildWheel({ name: "other", version: "1.0" });
    await writeDistributions(dir, [good, bad]);
    const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");
    const page = join(dir, "links.html");
    await writeFile(
      page,
      `<a href="${good.filename}#md5=${md5(good.bytes)}">${good.filename}</a>\n` +
        `<a href="${bad.filename}#md5=${"0".repeat(32)}">${bad.filename}</a>\n`,
    );
    const { report } = await syncFrom(s, [], ["solo", "other"], { findLinks: [page] });
    expect(storedNames(s)).toEqual([good.filename]);
    expect(report.failed.map((f) => f.code)).toEqual(["HASH_MISMATCH"]);
    expect(report.failed[0].message).toContain(
      `has md5 ${md5(bad.bytes)}, expected ${"0".repeat(32)}`,
    );
    await rm(dir, { recursive: true, force: true });
  });

  it("checks --hash pins against local find-links files by hashing them, as pip does", async () => {
    const s = await store();
    const dir = join(s.layout.dir, "..", `hash-links-${Date.now()}`);
    await mkdir(dir);
    const wheel = await buildWheel({ name: "pinned", version: "1.0" });
    await writeDistributions(dir, [wheel]);
    const policy = (digest: string) => ({
      hashes: new Map([["pinned", new Set([digest])]]),
      requireHashes: true,
    });
    const { report } = await syncFrom(s, [], ["pinned==1.0"], {
      findLinks: [dir],
      policy: policy(wheel.sha256),
    });
    expect(report.failed).toEqual([]);
    expect(storedNames(s)).toEqual([wheel.filename]);
    const wrong = await syncFrom(await store(), [], ["pinned==1.0"], {
      findLinks: [dir],
      policy: policy("0".repeat(64)),
    }).catch((e: Error) => e);
    expect(String(wrong)).toContain(wheel.filename);
    await rm(dir, { recursive: true, force: true });
  });

  it("warns when a chosen sdist's PKG-INFO may not list all its dependencies (PEP 643)", async () => {
    const pkgInfo = (version: string, extra = "") =>
      `Metadata-Version: ${version}\nName: NAME\nVersion: 1.0\n${extra}`;
    const sdist = (name: string, text: string) =>
      buildSdist({
        name,
        version: "1.0",
        files: { PKG_INFO: text.replace("NAME", name) },
        pyproject: '[build-system]\nrequires = []\nbuild-backend = "none"\n',
      });
    const fake = await index({
      old: [{ dist: await sdist("old", pkgInfo("2.1")) }],
      dyn: [{ dist: await sdist("dyn", pkgInfo("2.2", "Dynamic: Requires-Dist\n")) }],
      firm: [{ dist: await sdist("firm", pkgInfo("2.2")) }],
    });
    const warnings: string[] = [];
    await syncFrom(await store(), [fake.indexUrl], ["old", "dyn", "firm"], {
      dryRun: true,
      policy: {},
      events: { onWarning: (m) => warnings.push(m) },
    });
    expect(warnings.sort()).toEqual([
      expect.stringMatching(/^dyn-1\.0\.tar\.gz: .*Requires-Dist marked Dynamic/),
      expect.stringMatching(/^old-1\.0\.tar\.gz: .*Metadata-Version 2\.1, older than 2\.2/),
    ]);
  });

  it("--dry-run resolves and downloads nothing", async () => {
    const fake = await index(generated);
    const s = await store();
    const { report } = await syncFrom(s, [fake.indexUrl], ["app"], { dryRun: true });
    expect(report.targets[0].packages).toHaveLength(3);
    expect(report.summary.files).toBe(3);
    expect(summaryLines(report, String, plural).at(-1)).toMatch(
      /^dry run: 3 files resolved, nothing downloaded/,
    );
    expect(storedNames(s)).toEqual([]);
  });
});

describe("several targets", () => {
  const targets = THREE_TARGETS.map(parseTarget);

  it("stores exactly the union of the per-target resolutions", async () => {
    const fake = await index(generated);
    const perTarget = new Set<string>();
    const each: string[][] = [];
    for (const target of targets) {
      const { report } = await syncFrom(await store(), [fake.indexUrl], ["app", "tool"], {
        targets: [target],
        dryRun: true,
      });
      const files = report.targets[0].packages.map((p) => p.files[0].filename);
      each.push(files);
      for (const f of files) perTarget.add(f);
    }
    const s = await store();
    const { report, selections } = await syncFrom(s, [fake.indexUrl], ["app", "tool"], { targets });
    expect(report.failed).toEqual([]);
    expect(storedNames(s)).toEqual([...perTarget].sort());
    expect(report.targets.map((t) => t.packages.map((p) => p.files[0].filename))).toEqual(each);
    expect(each[1]).toContain("winshim-0.1-py3-none-any.whl");
    expect(each[0]).not.toContain("winshim-0.1-py3-none-any.whl");
    expect(new Set(storedNames(s).filter((f) => f.startsWith("core-"))).size).toBe(3);

    // The lock covers every target: on each target exactly its own runtime packages apply.
    const lock = parsePylock(formatPylock(buildLock(targets, selections)));
    expect(lock.environments).toHaveLength(3);
    for (const [i, target] of targets.entries()) {
      const env = markerEnvironment(target);
      const applies = lock.packages
        .filter(
          (p) => p.marker === undefined || evaluateMarker(p.marker, env, { context: "lock_file" }),
        )
        .map((p) => p.name)
        .sort();
      const expected = selections[i].packages.filter((p) => !p.buildOnly).map((p) => p.name);
      expect(applies).toEqual([...new Set(expected)].sort());
    }
  });
});

describe("a pylock.toml as input", () => {
  it("fetches the listed files without resolving, verified by sha256", async () => {
    const fake = await index(generated);
    const source = await syncFrom(await store(), [fake.indexUrl], ["app"], { dryRun: true });
    const lock = parsePylock(formatPylock(buildLock([LINUX], source.selections)));
    const locked = lockedPackagesOf(lock, "/nowhere/pylock.toml");
    const s = await store();
    const pageRequests = fake.log.filter((r) => r.path.startsWith("/simple/")).length;
    const { report } = await syncFrom(s, [fake.indexUrl], [], { locked });
    expect(report.failed).toEqual([]);
    expect(storedNames(s)).toHaveLength(3);
    expect(fake.log.filter((r) => r.path.startsWith("/simple/")).length).toBe(pageRequests);

    locked[0].files[0].sha256 = "f".repeat(64);
    const tampered = await syncFrom(await store(), [], [], { locked });
    expect(tampered.report.failed.map((f) => f.code)).toEqual(["HASH_MISMATCH"]);
  });

  it("refuses a target the lock's environments or requires-python do not cover", async () => {
    const fake = await index(generated);
    const source = await syncFrom(await store(), [fake.indexUrl], ["app"], { dryRun: true });
    const lock = parsePylock(formatPylock(buildLock([LINUX], source.selections)));
    const windows = parseTarget("cp312-win_amd64");
    const run = (edit: (l: typeof lock) => void, targets = [windows]) => {
      const copy = structuredClone(lock);
      edit(copy);
      const locked = lockedPackagesOf(copy, "/locks/pylock.toml");
      return syncFrom(store0, [], [], { locked, targets, dryRun: true }).catch((e) => e);
    };
    const store0 = await store();
    const other = await run(() => {});
    expect(other.code).toBe("LOCK_ENVIRONMENT_MISMATCH");
    expect(other.message).toContain('"/locks/pylock.toml" does not cover cp312-win_amd64');
    expect(other.message).toContain('sys_platform == "linux"');
    const python = await run((l) => {
      l.environments = undefined;
      l.requiresPython = ">=3.13";
    });
    expect(python.code).toBe("LOCK_ENVIRONMENT_MISMATCH");
    expect(python.message).toContain('requires Python ">=3.13"; cp312-win_amd64 has Python 3.12.0');
    const covered = await run((l) => {
      l.environments = [...(l.environments ?? []), 'sys_platform == "win32"'];
    });
    expect(covered.report.summary.filesAdded ?? 0).toBe(0);
    expect(covered.selections[0].packages.length).toBeGreaterThan(0);
  });
});

describe("downloads started during resolution", () => {
  /** Full GETs of distribution files (not .metadata, not Range probes), by path. */
  function fullGets(fake: FakeIndex): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of fake.log) {
      if (!r.path.startsWith("/files/") || r.path.endsWith(".metadata") || r.headers.range)
        continue;
      counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
    }
    return counts;
  }

  it("fetches every wheel once: the fetch phase takes over what started during resolution", async () => {
    // Range on: wheels without a .metadata file are read by Range requests, not whole.
    const fake = await index(generated, { format: "json", range: true });
    const s = await store();
    const { report } = await syncFrom(s, [fake.indexUrl], ["app", "tool"], {
      targets: THREE_TARGETS.map(parseTarget),
    });
    expect(report.failed).toEqual([]);
    const stored = storedNames(s);
    const gets = fullGets(fake);
    const wheels = stored.filter((f) => f.endsWith(".whl"));
    expect(wheels.map((f) => [f, gets.get(`/files/${f}`)])).toEqual(wheels.map((f) => [f, 1]));
    // Nothing else was fetched whole but the sdist (read for its build requirements, then kept).
    expect([...gets.keys()].filter((p) => !wheels.includes(p.slice("/files/".length)))).toEqual([
      "/files/tool-1.2.tar.gz",
    ]);
    // ...and only once: the store adopted the download made to read its metadata.
    expect(gets.get("/files/tool-1.2.tar.gz")).toBe(1);
  });

  it("fetches each file once when the index offers neither .metadata nor Range for it", async () => {
    const bare = Object.fromEntries(
      Object.entries(generated).map(([name, files]) => [
        name,
        files.map((f) => ({ ...f, metadata: false as const })),
      ]),
    );
    const fake = await index(bare, { format: "html", range: false });
    const s = await store();
    const { report } = await syncFrom(s, [fake.indexUrl], ["app", "tool"]);
    expect(report.failed).toEqual([]);
    const stored = storedNames(s);
    const gets = fullGets(fake);
    expect(stored.map((f) => [f, gets.get(`/files/${f}`)])).toEqual(stored.map((f) => [f, 1]));
  });

  it("a failed resolution waits for the downloads it started and writes no row", async () => {
    const projects = {
      root: [
        { dist: await buildWheel({ name: "root", version: "1.0", requiresDist: ["lib", "gone"] }) },
      ],
      lib: [{ dist: await buildWheel({ name: "lib", version: "1.0" }) }],
      gone: [
        { dist: await buildWheel({ name: "gone", version: "1.0", requiresDist: ["nowhere"] }) },
      ],
    };
    const fake = await index(projects);
    const s = await store();
    await expect(
      sync({
        store: s,
        http: testClient(),
        indexUrls: [fake.indexUrl],
        targets: [LINUX],
        requirements: [parseRequirement("root")],
      }),
    ).rejects.toThrow(/nowhere/);
    expect(storedNames(s)).toEqual([]);
  });

  it("a version the resolver backs away from gets no row", async () => {
    const projects = {
      root: [
        { dist: await buildWheel({ name: "root", version: "1.0", requiresDist: ["lib", "dep"] }) },
      ],
      lib: [
        { dist: await buildWheel({ name: "lib", version: "2.0", requiresDist: ["dep<1"] }) },
        { dist: await buildWheel({ name: "lib", version: "1.0", requiresDist: ["dep>=1"] }) },
      ],
      dep: [{ dist: await buildWheel({ name: "dep", version: "1.5" }) }],
    };
    const fake = await index(projects);
    const s = await store();
    const { report } = await syncFrom(s, [fake.indexUrl], ["root"]);
    expect(report.failed).toEqual([]);
    expect(storedNames(s)).toEqual([
      "dep-1.5-py3-none-any.whl",
      "lib-1.0-py3-none-any.whl",
      "root-1.0-py3-none-any.whl",
    ]);
  });
});
