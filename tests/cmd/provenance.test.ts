// PEP 740 provenance through the built CLI: `sync` keeps what the index offers (its summary and
// --json report say so), `--no-provenance` asks for none, `list` names the Trusted Publisher,
// `--lock` records it as attestation identities, and `gc` drops what a removed file left.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wheelhouse } from "../helpers/cli.js";
import { type FakeIndex, startFakeIndex } from "../helpers/fake-index.js";
import { makeProvenance } from "../helpers/provenance.js";
import { buildWheel } from "../helpers/wheels.js";

let root: string;
let index: FakeIndex;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wh-provenance-cli-"));
  const app = await buildWheel({ name: "app", version: "1.0" });
  index = await startFakeIndex({
    projects: { app: [{ dist: app, provenance: makeProvenance(app) }] },
  });
});
afterAll(async () => {
  await index.close();
  await rm(root, { recursive: true, force: true });
});

const sync = (store: string, ...more: string[]) =>
  wheelhouse([
    "sync",
    "app",
    "--store",
    store,
    "--index-url",
    index.indexUrl,
    "--target",
    "cp312-manylinux_2_28_x86_64",
    ...more,
  ]);

describe("provenance in the CLI", () => {
  it("sync keeps it, list names the publisher, the lock records it, gc cleans up", async () => {
    const store = join(root, "kept");
    const lock = join(root, "pylock.toml");
    const run = await sync(store, "--lock", lock);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain("provenance (PEP 740): 1 attestation set kept");
    const listed = await wheelhouse(["list", "--store", store, "app"]);
    expect(listed.stdout).toContain(
      "attested by GitHub pypa/sampleproject (release.yml, environment pypi)",
    );
    const json = await wheelhouse(["list", "--store", store, "app", "--json"]);
    expect(JSON.parse(json.stdout)[0].attestedBy).toEqual([
      {
        kind: "GitHub",
        repository: "pypa/sampleproject",
        workflow: "release.yml",
        environment: "pypi",
      },
    ]);
    expect(await readFile(lock, "utf8")).toContain(
      'attestation-identities = [\n  { kind = "GitHub", repository = "pypa/sampleproject"',
    );
    expect((await wheelhouse(["remove", "--store", store, "app"])).code).toBe(0);
    const gc = await wheelhouse(["gc", "--store", store, "--grace", "0"]);
    expect(gc.stdout).toContain("dropped 1 provenance objects of removed files");
  });

  it("--no-provenance asks for none; --json reports what was kept", async () => {
    const before = index.count("/integrity/app-1.0-py3-none-any.whl/provenance");
    const off = await sync(join(root, "off"), "--no-provenance", "--json");
    expect(off.code, off.stderr).toBe(0);
    expect(JSON.parse(off.stdout).provenance).toEqual({ kept: 0, failed: [] });
    expect(index.count("/integrity/app-1.0-py3-none-any.whl/provenance")).toBe(before);
    const on = await sync(join(root, "on"), "--json");
    expect(JSON.parse(on.stdout).provenance).toEqual({ kept: 1, failed: [] });
  });
});
