// --index-strategy: pip's merge of every index (the default) against uv's first-index, over an
// internal index (--extra-index-url) and a public one (--index-url) where someone uploaded a
// higher version of the internal project's name (dependency confusion). first-index takes the
// internal release, never asks the public index for that name, and still takes public projects
// from the public index.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sync } from "../../../src/mirror/sync/sync.js";
import type { SyncOptions } from "../../../src/mirror/sync/types.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { buildWheel } from "../../helpers/wheels.js";
import { testClient } from "../upstream/helpers.js";
import { freshStore } from "./sync-fixtures.js";

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

let internal: FakeIndex;
let publicIndex: FakeIndex;

beforeAll(async () => {
  internal = await startFakeIndex({
    projects: {
      "corp-lib": [
        { dist: await buildWheel({ name: "corp-lib", version: "1.0", requiresDist: ["util"] }) },
      ],
    },
  });
  publicIndex = await startFakeIndex({
    projects: {
      "corp-lib": [{ dist: await buildWheel({ name: "corp-lib", version: "99.0" }) }],
      util: [{ dist: await buildWheel({ name: "util", version: "2.0" }) }],
    },
  });
  cleanup.push(
    () => internal.close(),
    () => publicIndex.close(),
  );
});

async function resolved(strategy?: SyncOptions["indexStrategy"]) {
  const { store } = await freshStore(cleanup);
  const { report } = await sync({
    store,
    http: testClient(),
    indexUrls: [publicIndex.indexUrl, internal.indexUrl],
    ...(strategy ? { indexStrategy: strategy } : {}),
    targets: [parseTarget("cp312-manylinux_2_28_x86_64")],
    requirements: [parseRequirement("corp-lib")],
    dryRun: true,
  });
  return report.targets[0].packages.map((p) => `${p.name} ${p.version} ${p.files[0].url}`);
}

describe("--index-strategy", () => {
  it("merges every index by default, as pip does: the public upload wins", async () => {
    expect(await resolved()).toEqual([
      `corp-lib 99.0 ${publicIndex.origin}/files/corp_lib-99.0-py3-none-any.whl`,
    ]);
  });

  it("first-index takes each project from the first index that has it, extra indexes first", async () => {
    const asked = publicIndex.count("/simple/corp-lib/");
    expect(await resolved("first-index")).toEqual([
      `corp-lib 1.0 ${internal.origin}/files/corp_lib-1.0-py3-none-any.whl`,
      `util 2.0 ${publicIndex.origin}/files/util-2.0-py3-none-any.whl`,
    ]);
    expect(publicIndex.count("/simple/corp-lib/")).toBe(asked);
    expect(internal.count("/simple/util/")).toBeGreaterThan(0);
  });
});
