// A yank that comes, changes or goes after a file was stored reaches the store on the next sync
// that reads the project's page (PEP 592, "Mirrors": no yanked file without its data-yanked).
// A dry run reports the change and writes nothing; a find-links listing, which states no yank,
// changes nothing.

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportJson, summaryLines } from "../../../src/mirror/sync/report.js";
import { sync } from "../../../src/mirror/sync/sync.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import { findFile } from "../../../src/store/queries.js";
import type { Store } from "../../../src/store/store.js";
import { type FakeFile, type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { buildWheel } from "../../helpers/wheels.js";
import { testClient } from "../upstream/helpers.js";
import { freshStore } from "./sync-fixtures.js";

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const OLD = "lib-1.0-py3-none-any.whl";
let index: FakeIndex;
let old: FakeFile;
let store: Store;
let dir: string;

async function run(
  requirement: string,
  options: { dryRun?: boolean; links?: string; warnings?: string[] } = {},
) {
  return sync({
    store,
    http: testClient(),
    indexUrls: options.links === undefined ? [index.indexUrl] : [],
    findLinks: options.links === undefined ? [] : [options.links],
    targets: [parseTarget("cp312-manylinux_2_28_x86_64")],
    requirements: [parseRequirement(requirement)],
    ...(options.dryRun ? { dryRun: true } : {}),
    events: { onWarning: (w) => options.warnings?.push(w) },
  });
}

beforeAll(async () => {
  old = { dist: await buildWheel({ name: "lib", version: "1.0" }) };
  index = await startFakeIndex({
    projects: { lib: [old, { dist: await buildWheel({ name: "lib", version: "2.0" }) }] },
  });
  cleanup.push(() => index.close());
  ({ store, dir } = await freshStore(cleanup));
  await run("lib==1.0");
});

describe("sync refreshes stored files' yank state from their index", () => {
  it("reports a new yank in a dry run and writes nothing", async () => {
    old.yanked = "broken build";
    const { report } = await run("lib", { dryRun: true });
    expect(report.yankChanges).toEqual([
      { filename: OLD, project: "lib", was: false, yanked: "broken build" },
    ]);
    expect(findFile(store, OLD)?.yanked).toBe(false);
    expect(summaryLines(report, String, plural)).toContain(
      `${OLD}: yanked by its index since it was stored ("broken build"); the store would mark it yanked`,
    );
  });

  it("takes a yank, even of a file this run did not choose, then its change and its end", async () => {
    const first = await run("lib");
    expect(first.report.targets[0].packages.map((p) => p.version)).toEqual(["2.0"]);
    expect(first.report.yankChanges).toHaveLength(1);
    expect(findFile(store, OLD)?.yanked).toBe("broken build");
    expect((reportJson(first.report) as { yankChanges: unknown[] }).yankChanges).toHaveLength(1);

    const again = await run("lib");
    expect(again.report.yankChanges).toEqual([]);

    old.yanked = "";
    await run("lib");
    expect(findFile(store, OLD)?.yanked).toBe("");

    old.yanked = false;
    const back = await run("lib");
    expect(back.report.yankChanges).toEqual([
      { filename: OLD, project: "lib", was: "", yanked: false },
    ]);
    expect(findFile(store, OLD)?.yanked).toBe(false);
  });

  it("leaves the state alone for a find-links listing, which states no yank", async () => {
    old.yanked = "again";
    await run("lib");
    expect(findFile(store, OLD)?.yanked).toBe("again");
    const links = join(dir, "links");
    await mkdir(links, { recursive: true });
    await writeFile(join(links, OLD), old.dist.bytes);
    const { report } = await run("lib==1.0", { links });
    expect(report.yankChanges).toEqual([]);
    expect(findFile(store, OLD)?.yanked).toBe("again");
  });

  it("warns when an exact == pin takes a yanked file, with the index's reason (PEP 592)", async () => {
    old.yanked = "broken build";
    const warnings: string[] = [];
    const { report } = await run("lib==1.0", { dryRun: true, warnings });
    expect(report.targets[0].packages.map((p) => p.version)).toEqual(["1.0"]);
    expect(warnings).toEqual([
      `lib 1.0 (${OLD}) is yanked ("broken build"); it was taken for its exact == pin`,
    ]);
  });
});
