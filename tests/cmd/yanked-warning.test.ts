// install and bundle say so when an exact == pin takes a yanked stored file (PEP 592: an
// installer SHOULD warn, with the reason), and say nothing otherwise.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeStore, openStore, refreshYanked } from "../../src/store/index.js";
import { wheelhouse } from "../helpers/cli.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";

let root: string;
let store: string;
const WARNING =
  'warning: lib 1.0 (lib-1.0-py3-none-any.whl) is yanked ("broken build"); it was taken for its exact == pin';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wh-yanked-"));
  store = join(root, "store");
  await mkdir(join(root, "in"));
  await writeDistributions(join(root, "in"), [
    await buildWheel({ name: "lib", version: "1.0" }),
    await buildWheel({ name: "lib", version: "2.0" }),
  ]);
  expect((await wheelhouse(["add", "--store", store, join(root, "in")])).code).toBe(0);
  const opened = await openStore(store);
  refreshYanked(opened, "lib", [{ filename: "lib-1.0-py3-none-any.whl", yanked: "broken build" }]);
  closeStore(opened);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("a yanked file taken for an exact pin", () => {
  it("is a warning of install, and of bundle", async () => {
    const dryInstall = (requirement: string) =>
      wheelhouse([
        "install",
        "--store",
        store,
        "--venv",
        join(root, "venv"),
        "--dry-run",
        requirement,
      ]);
    const pinned = await dryInstall("lib==1.0");
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stderr).toContain(WARNING);
    const newest = await dryInstall("lib");
    expect(newest.stderr).not.toContain("yanked");
    const bundle = await wheelhouse([
      "bundle",
      "--store",
      store,
      "-o",
      join(root, "b.tar.gz"),
      "lib==1.0",
    ]);
    expect(bundle.code, bundle.stderr).toBe(0);
    expect(bundle.stderr).toContain(WARNING);
  }, 120_000);
});
