// PEP 792 project statuses stated by the upstream's pages reach the user: one warning per project
// and index, in JSON and HTML alike, and the report's projectStatuses. A quarantined project's
// page lists no files, so asking for it fails, after the warning that says why.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sync } from "../../../src/mirror/sync/sync.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import {
  listProjectStatuses,
  projectStatus,
  setLocalProjectStatus,
} from "../../../src/store/project-status.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { buildWheel } from "../../helpers/wheels.js";
import { testClient } from "../upstream/helpers.js";
import { freshStore, THREE_TARGETS } from "./sync-fixtures.js";

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

let index: FakeIndex;

beforeAll(async () => {
  index = await startFakeIndex({
    projects: {
      app: [
        { dist: await buildWheel({ name: "app", version: "1.0", requiresDist: ["old", "gone"] }) },
      ],
      old: [{ dist: await buildWheel({ name: "old", version: "2.0" }) }],
      gone: [{ dist: await buildWheel({ name: "gone", version: "1.0" }) }],
      bad: [],
    },
    statuses: {
      old: { status: "deprecated", reason: "use new instead" },
      gone: { status: "archived" },
      bad: { status: "quarantined", reason: "malware" },
    },
  });
  cleanup.push(() => index.close());
});

async function start(requirement: string, format: "json" | "html") {
  index.options.format = format;
  const { store } = await freshStore(cleanup);
  const warnings: string[] = [];
  const run = sync({
    store,
    http: testClient(),
    indexUrls: [index.indexUrl],
    targets: THREE_TARGETS.map((t) => parseTarget(t)),
    requirements: [parseRequirement(requirement)],
    dryRun: true,
    events: { onWarning: (w) => warnings.push(w) },
  });
  return { run, warnings };
}

describe("PEP 792 project statuses from the upstream", () => {
  it.each(["json", "html"] as const)("warns once per project, from %s pages", async (format) => {
    const { run, warnings } = await start("app", format);
    const { report } = await run;
    expect(report.targets.map((t) => t.packages.length)).toEqual([3, 3, 3]);
    expect(warnings.sort()).toEqual([
      `project "gone" is archived on ${index.indexUrl}: it expects no further releases`,
      `project "old" is deprecated on ${index.indexUrl} ("use new instead"): it is considered obsolete and may have been superseded`,
    ]);
    expect(report.projectStatuses.map((s) => [s.project, s.status, s.reason]).sort()).toEqual([
      ["gone", "archived", undefined],
      ["old", "deprecated", "use new instead"],
    ]);
  });

  it("says why a quarantined project has no files before the resolution fails", async () => {
    const { run, warnings } = await start("bad", "json");
    await expect(run).rejects.toThrow(/bad/);
    expect(warnings).toEqual([
      `project "bad" is quarantined on ${index.indexUrl} ("malware"): it is considered unsafe (e.g. malware), and the index offers none of its files`,
    ]);
  });

  it("records the statuses in the store, keeps a local one, and drops one the index no longer states", async () => {
    index.options.format = "json";
    const { store } = await freshStore(cleanup);
    setLocalProjectStatus(store, "old", { status: "archived", reason: "ours" });
    const once = () =>
      sync({
        store,
        http: testClient(),
        indexUrls: [index.indexUrl],
        targets: [parseTarget(THREE_TARGETS[0])],
        requirements: [parseRequirement("app")],
      });
    await once();
    expect(listProjectStatuses(store).map((s) => [s.name, s.status, s.source])).toEqual([
      ["gone", "archived", index.indexUrl],
      ["old", "archived", "local"],
    ]);
    const statuses = index.options.statuses!;
    const archived = statuses.gone;
    delete statuses.gone;
    try {
      await once();
      expect(projectStatus(store, "gone")).toBeUndefined();
      expect(projectStatus(store, "old")?.reason).toBe("ours");
    } finally {
      statuses.gone = archived;
    }
  });

  it("fetches nothing of a project quarantined here, saying why", async () => {
    index.options.format = "json";
    const { store } = await freshStore(cleanup);
    setLocalProjectStatus(store, "gone", { status: "quarantined", reason: "ours" });
    const asked = index.count("/simple/gone/");
    const warnings: string[] = [];
    const run = sync({
      store,
      http: testClient(),
      indexUrls: [index.indexUrl],
      targets: [parseTarget(THREE_TARGETS[0])],
      requirements: [parseRequirement("app")],
      events: { onWarning: (w) => warnings.push(w) },
    });
    await expect(run).rejects.toThrow(/gone/);
    expect(warnings).toContain(
      'project "gone" is quarantined in this store ("ours"): none of its files is fetched (wheelhouse status gone active lifts it)',
    );
    expect(index.count("/simple/gone/")).toBe(asked);
  });
});
