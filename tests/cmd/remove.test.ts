// `wheelhouse remove` through the built CLI: a dry run changes nothing, a specifier removes its
// releases, a running index stops listing them at once, gc frees their blobs, and a name the
// store lacks removes nothing (exit 1).
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/serve/app.js";
import { closeStore, openStore, type Store } from "../../src/store/index.js";
import { wheelhouse as cli } from "../helpers/cli.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";

let root: string;
let storeDir: string;
let store: Store;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wh-remove-"));
  storeDir = join(root, "store");
  const files = join(root, "files");
  await mkdir(files);
  await writeDistributions(
    files,
    await Promise.all(["1.0", "1.1", "2.0"].map((version) => buildWheel({ name: "lib", version }))),
  );
  expect((await cli(["add", "--store", storeDir, files])).code).toBe(0);
  store = await openStore(storeDir);
});
afterAll(async () => {
  closeStore(store);
  await rm(root, { recursive: true, force: true });
});

describe("wheelhouse remove", () => {
  it("removes releases by specifier; the index stops listing them; gc frees the blobs", async () => {
    const app = createApp({ store });
    const listed = async () => {
      const res = await app.request("/simple/lib/", {
        headers: { accept: "application/vnd.pypi.simple.v1+json" },
      });
      return ((await res.json()) as { versions: string[] }).versions;
    };
    expect(await listed()).toEqual(["1.0", "1.1", "2.0"]);

    const dry = await cli(["remove", "--store", storeDir, "lib<2", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("would remove lib-1.0-py3-none-any.whl\n");
    expect(await listed()).toEqual(["1.0", "1.1", "2.0"]);

    const ran = await cli(["remove", "--store", storeDir, "lib<2", "--json"]);
    expect(ran.code, ran.stderr).toBe(0);
    const report = JSON.parse(ran.stdout);
    expect(report.removed.map((f: { version: string }) => f.version)).toEqual(["1.0", "1.1"]);
    expect(await listed()).toEqual(["2.0"]);

    const gc = await cli(["gc", "--store", storeDir, "--grace", "0", "--json"]);
    expect(JSON.parse(gc.stdout).removedBlobs).toBe(4); // two wheels and their metadata
  });

  it("removes nothing when a name is not in the store, and exits 1 naming it", async () => {
    const ran = await cli(["remove", "--store", storeDir, "lib", "nope"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('project "nope" is not in the store');
    const none = await cli(["remove", "--store", storeDir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("nothing to remove was named");
  });
});
