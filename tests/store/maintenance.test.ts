import { mkdir, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  blobPath,
  collectGarbage,
  commitProject,
  diskUsage,
  findFile,
  listProjects,
  putBlob,
  type Store,
  type StoredFile,
  stageDistribution,
  verifyStore,
} from "../../src/store/index.js";
import { buildSdist, buildWheel } from "../helpers/wheels.js";
import { tempStore } from "./store-helpers.js";

let ctx: Awaited<ReturnType<typeof tempStore>>;
let store: Store;
let files: StoredFile[];

beforeEach(async () => {
  ctx = await tempStore();
  store = ctx.store;
  const dists = [
    await buildWheel({ name: "one", version: "1.0" }),
    await buildSdist({ name: "one", version: "1.0" }),
    await buildWheel({ name: "two", version: "2.0", files: { "two.py": "x".repeat(5000) } }),
  ];
  files = [];
  for (const d of dists) {
    const staged = await stageDistribution(store, Readable.from([d.bytes]), {
      filename: d.filename,
    });
    const [r] = commitProject(store, [staged]);
    if (r.status !== "refused") files.push(r.file);
  }
});
afterEach(async () => {
  await ctx.cleanup();
});

const OLD = new Date("2000-01-01T00:00:00Z");

describe("verifyStore", () => {
  it("finds nothing wrong in an intact store", async () => {
    const report = await verifyStore(store);
    expect(report).toMatchObject({ files: 3, problems: [] });
    // the wheel and the sdist of "one" carry the same core metadata bytes: one blob
    expect(report.blobs).toBe(5);
  });

  it("reports missing and corrupt blobs by filename, and --repair removes their rows", async () => {
    const [wheel, sdist, two] = files;
    await rm(blobPath(store, wheel.sha256));
    await writeFile(blobPath(store, two.sha256), "tampered");
    const report = await verifyStore(store);
    expect(report.problems.map((p) => [p.filename, p.blob, p.problem])).toEqual([
      [wheel.filename, "distribution", "missing"],
      [two.filename, "distribution", "corrupt"],
    ]);
    expect(findFile(store, wheel.filename)).toBeDefined();

    const repaired = await verifyStore(store, { repair: true });
    expect(repaired.problems.map((p) => p.repaired)).toEqual(["removed", "removed"]);
    expect(findFile(store, wheel.filename)).toBeUndefined();
    expect(findFile(store, sdist.filename)).toBeDefined();
    expect(listProjects(store).map((p) => p.name)).toEqual(["one"]);
    await expect(readdir(join(blobPath(store, two.sha256), ".."))).resolves.toEqual([]);
    expect((await verifyStore(store)).problems).toEqual([]);
  });

  it("reports a blob it cannot read as unreadable, with the error, and --repair leaves it", async () => {
    const two = files[2];
    // A directory where the blob should be: reading it fails with EISDIR, not ENOENT.
    await rm(blobPath(store, two.sha256));
    await mkdir(blobPath(store, two.sha256));
    const report = await verifyStore(store, { repair: true });
    expect(report.problems).toEqual([
      expect.objectContaining({
        filename: two.filename,
        blob: "distribution",
        problem: "unreadable",
        error: expect.stringContaining("EISDIR"),
      }),
    ]);
    expect(report.problems[0].repaired).toBeUndefined();
    expect(findFile(store, two.filename)).toBeDefined();
  });

  it("restores a bad core metadata blob from its intact distribution", async () => {
    const two = files[2];
    await writeFile(blobPath(store, two.metadataSha256), "garbage");
    const report = await verifyStore(store, { repair: true });
    expect(report.problems).toEqual([
      expect.objectContaining({ filename: two.filename, blob: "metadata", repaired: "restored" }),
    ]);
    expect((await verifyStore(store)).problems).toEqual([]);
  });
});

describe("collectGarbage", () => {
  it("removes old unreferenced blobs and tmp leftovers, keeps referenced and young ones", async () => {
    const orphan = await putBlob(store, Buffer.from("orphan bytes"), { label: "orphan" });
    const young = await putBlob(store, Buffer.from("young bytes"), { label: "young" });
    await utimes(blobPath(store, orphan.sha256), OLD, OLD);
    const leftover = join(store.layout.tmp, "dead.part");
    await writeFile(leftover, "partial");
    await utimes(leftover, OLD, OLD);
    for (const f of files) await utimes(blobPath(store, f.sha256), OLD, OLD);

    const report = await collectGarbage(store);
    expect(report).toEqual({
      removedBlobs: 1,
      freedBytes: 12,
      removedTmp: 1,
      freedTmpBytes: 7,
      spared: 1,
      removedProvenances: 0,
    });
    expect((await verifyStore(store)).problems).toEqual([]);
    const all = await collectGarbage(store, { graceMs: 0 });
    expect(all.removedBlobs).toBe(1);
    await expect(readdir(join(blobPath(store, young.sha256), ".."))).resolves.toEqual([]);
  });
});

describe("collectGarbage racing a commit", () => {
  it("never deletes a blob whose row is committed while it runs", async () => {
    // Staged long before its commit (an import commits at the end): older than the grace.
    const w = await buildWheel({ name: "slow", version: "1.0" });
    const staged = await stageDistribution(store, w.bytes, { filename: w.filename });
    for (const sha of [staged.sha256, staged.metadataSha256])
      await utimes(blobPath(store, sha), OLD, OLD);
    const gc = collectGarbage(store); // reads the referenced set now
    const [committed] = commitProject(store, [staged]); // and the row lands meanwhile
    const report = await gc;
    expect(committed.status).toBe("added");
    expect(report.removedBlobs).toBe(0);
    expect((await verifyStore(store)).problems).toEqual([]);
  });
});

describe("diskUsage", () => {
  it("sums sizes per project and in total from the catalog", () => {
    const usage = diskUsage(store);
    const total = files.reduce((s, f) => s + f.size, 0);
    expect(usage).toMatchObject({ files: 3, size: total, blobs: 3, blobSize: total });
    expect(usage.metadataSize).toBeGreaterThan(0);
    expect(usage.projects.map((p) => [p.name, p.files])).toEqual([
      ["one", 2],
      ["two", 1],
    ]);
  });
});
