// `wheelhouse bundle --sync` through the built CLI: what the store lacks is synced first from the
// upstream the bundle command names (-i, --extra-index-url, --index-strategy, -f), with the same
// requirements, targets and store, then bundled.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, wheelhouse } from "../helpers/cli.js";
import { type FakeIndex, startFakeIndex } from "../helpers/fake-index.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";

let root: string;
let main: FakeIndex;
let extra: FakeIndex;
let links: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-bundle-sync-"));
  main = await startFakeIndex({
    projects: {
      app: [
        {
          dist: await buildWheel({
            name: "app",
            version: "1.0",
            requiresDist: ["lib", "extra-tool"],
          }),
        },
      ],
      lib: [{ dist: await buildWheel({ name: "lib", version: "9.0" }) }],
    },
  });
  // The internal index has its own lib; first-index takes it from there.
  extra = await startFakeIndex({
    projects: { lib: [{ dist: await buildWheel({ name: "lib", version: "1.0" }) }] },
  });
  links = join(root, "links");
  mkdirSync(links);
  await writeDistributions(links, [await buildWheel({ name: "extra-tool", version: "0.2" })]);
});
afterAll(async () => {
  await main?.close();
  await extra?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("bundle --sync", () => {
  it("syncs from the upstream it names, then bundles what the store now holds", async () => {
    const out = join(root, "b.tar.gz");
    const ran = await wheelhouse([
      ...["bundle", "--store", join(root, "store"), "--target", "cp312-manylinux_2_28_x86_64"],
      ...["--sync", "-i", main.indexUrl, "--extra-index-url", extra.indexUrl],
      ...["--index-strategy", "first-index", "-f", links, "-o", out, "app"],
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const listed = (await runProcess("tar", ["tzf", out])).stdout.split("\n");
    expect(listed.filter((l) => l.endsWith(".whl")).sort()).toEqual([
      "wheels/app-1.0-py3-none-any.whl",
      "wheels/extra_tool-0.2-py3-none-any.whl",
      "wheels/lib-1.0-py3-none-any.whl",
    ]);
  });
});
