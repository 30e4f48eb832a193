import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WheelhouseError } from "../../src/pep/errors.js";
import {
  addPaths,
  blobPath,
  closeStore,
  commitProject,
  findFile,
  findProject,
  listFiles,
  listProjects,
  openStore,
  type Store,
  stageDistribution,
} from "../../src/store/index.js";
import { SCHEMA_VERSION } from "../../src/store/schema.js";
import { buildSdist, buildWheel, writeDistributions } from "../helpers/wheels.js";
import { tempStore } from "./store-helpers.js";

let ctx: Awaited<ReturnType<typeof tempStore>>;
let store: Store;
beforeEach(async () => {
  ctx = await tempStore();
  store = ctx.store;
});
afterEach(async () => {
  await ctx.cleanup();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(WheelhouseError);
    return (error as WheelhouseError).code;
  }
}

async function tmpEntries(): Promise<string[]> {
  return readdir(store.layout.tmp);
}

describe("openStore", () => {
  it("creates the versioned layout and a WAL catalog at the current schema", async () => {
    expect(store.layout.blobs).toBe(join(ctx.dir, "store", "blobs", "v1", "sha256"));
    expect(await readdir(join(ctx.dir, "store"))).toEqual(
      expect.arrayContaining(["blobs", "tmp", "catalog.db"]),
    );
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
  });

  it("reopens an existing store without migrating again", async () => {
    const again = await openStore(store.layout.dir);
    expect(again.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    closeStore(again);
  });

  it("refuses a catalog written by a newer wheelhouse", async () => {
    store.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    expect(await codeOf(openStore(store.layout.dir))).toBe("CATALOG_TOO_NEW");
  });

  it("refuses a newer catalog at once while a newer wheelhouse holds the write lock", async () => {
    store.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    store.db.exec("BEGIN IMMEDIATE");
    try {
      const opening = openStore(store.layout.dir, { busyTimeoutMs: 200 });
      expect(await codeOf(opening)).toBe("CATALOG_TOO_NEW");
    } finally {
      store.db.exec("ROLLBACK");
    }
  });

  it("names the blob path by sha256 under two shard levels", () => {
    const sha = "ab".repeat(32);
    expect(blobPath(store, sha)).toBe(join(store.layout.blobs, "ab", "ab", sha));
    expect(() => blobPath(store, "xyz")).toThrow(/sha256 "xyz" is invalid/);
  });
});

describe("stageDistribution + commitProject (the two phases sync uses)", () => {
  it("stores a stream with upstream facts; metadata blob is byte-identical", async () => {
    const wheel = await buildWheel({ name: "Demo_Pkg", version: "1.0", requiresPython: ">=3.9" });
    const staged = await stageDistribution(store, Readable.from([wheel.bytes]), {
      filename: wheel.filename,
      sha256: wheel.sha256,
      size: wheel.bytes.length,
      source: "https://example.invalid/simple/demo-pkg/",
      uploadTime: "2024-01-02T03:04:05Z",
      yanked: "broken build",
    });
    expect(findFile(store, wheel.filename)).toBeUndefined();
    const [result] = commitProject(store, [staged], new Date("2025-01-01T00:00:00Z"));
    expect(result.status).toBe("added");
    const file = findFile(store, wheel.filename)!;
    expect(file).toEqual({
      filename: wheel.filename,
      project: "demo-pkg",
      version: "1.0",
      sha256: wheel.sha256,
      size: wheel.bytes.length,
      packageType: "bdist_wheel",
      tags: ["py3-none-any"],
      requiresPython: ">=3.9",
      yanked: "broken build",
      uploadTime: "2024-01-02T03:04:05Z",
      metadataSha256: file.metadataSha256,
      metadataSize: Buffer.byteLength(wheel.metadata),
      source: "https://example.invalid/simple/demo-pkg/",
      addedAt: "2025-01-01T00:00:00.000Z",
    });
    expect(await readFile(blobPath(store, file.sha256))).toEqual(wheel.bytes);
    expect((await readFile(blobPath(store, file.metadataSha256))).toString()).toBe(wheel.metadata);
    expect(findProject(store, "DEMO.pkg")).toEqual({ name: "demo-pkg", displayName: "Demo_Pkg" });
    expect(await tmpEntries()).toEqual([]);
  });

  it.each([
    ["sha256", { sha256: "0".repeat(64) }, "HASH_MISMATCH"],
    ["md5 (stated instead of a sha256)", { hashes: { md5: "0".repeat(32) } }, "HASH_MISMATCH"],
    ["sha3_256 (hashlib's name)", { hashes: { sha3_256: "0".repeat(64) } }, "HASH_MISMATCH"],
    ["size (short)", { size: 10 ** 9 }, "SIZE_MISMATCH"],
    ["size (long)", { size: 10 }, "SIZE_MISMATCH"],
  ])("refuses a stream whose %s differs and leaves nothing", async (_, facts, code) => {
    const wheel = await buildWheel({ name: "hashy", version: "1.0" });
    const staging = stageDistribution(store, Readable.from([wheel.bytes]), {
      filename: wheel.filename,
      ...facts,
    });
    expect(await codeOf(staging)).toBe(code);
    expect(await tmpEntries()).toEqual([]);
    expect(await readdir(store.layout.blobs)).toEqual([]);
  });

  it.each([
    ["sha256", { sha256: "0".repeat(64) }, "HASH_MISMATCH"],
    ["sha512", { hashes: { sha512: "0".repeat(128) } }, "HASH_MISMATCH"],
    ["size", { size: 1 }, "SIZE_MISMATCH"],
  ])("refuses a local file whose %s differs and leaves nothing", async (_, facts, code) => {
    const wheel = await buildWheel({ name: "local", version: "1.0" });
    const [path] = await writeDistributions(ctx.dir, [wheel]);
    expect(
      await codeOf(stageDistribution(store, path, { filename: wheel.filename, ...facts })),
    ).toBe(code);
    expect(await tmpEntries()).toEqual([]);
    expect(await readdir(store.layout.blobs)).toEqual([]);
  });

  it("takes a file whose other stated digests match, and ignores names Node lacks", async () => {
    const wheel = await buildWheel({ name: "digests", version: "1.0" });
    const digest = (name: string) => createHash(name).update(wheel.bytes).digest("hex");
    const hashes = { md5: digest("md5"), sha3_256: digest("sha3-256"), whirlwind9: "x" };
    const staged = await stageDistribution(store, Readable.from([wheel.bytes]), {
      filename: wheel.filename,
      hashes,
    });
    expect(staged.sha256).toBe(wheel.sha256);
  });

  it("commits files of one project together and refuses mixed projects", async () => {
    const a = await buildWheel({ name: "proj", version: "1.0" });
    const b = await buildSdist({ name: "proj", version: "2.0" });
    const c = await buildWheel({ name: "other", version: "1.0" });
    const staged = await Promise.all(
      [a, b, c].map((d) =>
        stageDistribution(store, Readable.from([d.bytes]), { filename: d.filename }),
      ),
    );
    expect(() => commitProject(store, staged)).toThrow(/commit one project at a time/);
    expect(listProjects(store)).toEqual([]);
    const results = commitProject(store, staged.slice(0, 2));
    expect(results.map((r) => r.status)).toEqual(["added", "added"]);
    expect(listFiles(store, "PROJ").map((f) => [f.filename, f.packageType, f.tags])).toEqual([
      ["proj-1.0-py3-none-any.whl", "bdist_wheel", ["py3-none-any"]],
      ["proj-2.0.tar.gz", "sdist", []],
    ]);
    expect(listProjects(store)).toEqual([
      { name: "proj", displayName: "proj", files: 2, size: a.bytes.length + b.bytes.length },
    ]);
  });

  it("treats the same file again as a no-op and another sha256 as FILENAME_CONFLICT", async () => {
    const wheel = await buildWheel({ name: "same", version: "1.0" });
    const other = await buildWheel({ name: "same", version: "1.0", files: { "x.py": "x = 1\n" } });
    const stage = (bytes: Buffer) =>
      stageDistribution(store, Readable.from([bytes]), { filename: wheel.filename });
    const first = await stage(wheel.bytes);
    commitProject(store, [first]);
    const again = commitProject(store, [await stage(wheel.bytes)]);
    expect(again[0].status).toBe("unchanged");
    expect(await codeOf(stage(other.bytes))).toBe("FILENAME_CONFLICT");
    // the authoritative check inside the transaction (a racing writer staged before us)
    const racing = { ...first, sha256: other.sha256 };
    const [refused] = commitProject(store, [racing]);
    expect(refused.status).toBe("refused");
    expect(refused.status === "refused" && refused.error.code).toBe("FILENAME_CONFLICT");
    expect(listFiles(store, "same")).toHaveLength(1);
  });

  it("refuses to commit a row whose blob is missing", async () => {
    const wheel = await buildWheel({ name: "ghost", version: "1.0" });
    const staged = await stageDistribution(store, Readable.from([wheel.bytes]), {
      filename: wheel.filename,
    });
    const [result] = commitProject(store, [{ ...staged, sha256: "f".repeat(64) }]);
    expect(result.status === "refused" && result.error.code).toBe("BLOB_MISSING");
    expect(findFile(store, wheel.filename)).toBeUndefined();
  });

  it("keeps any yanked reason, including the empty one (PEP 592)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(false as const), fc.string()), async (yanked) => {
        const wheel = await buildWheel({ name: "yank", version: "1.0" });
        const staged = await stageDistribution(store, Readable.from([wheel.bytes]), {
          filename: wheel.filename,
          yanked,
        });
        store.db.exec("DELETE FROM files");
        commitProject(store, [staged]);
        expect(findFile(store, wheel.filename)?.yanked).toBe(yanked);
      }),
      { numRuns: 15 },
    );
  });
});

describe("addPaths", () => {
  it("follows symlinks in a directory to wheels; a dangling one is skipped", async () => {
    const wheel = await buildWheel({ name: "linked", version: "1.0" });
    const real = join(ctx.dir, "real");
    const folder = join(ctx.dir, "links");
    await mkdir(real);
    await mkdir(folder);
    await writeDistributions(real, [wheel]);
    await symlink(join(real, wheel.filename), join(folder, wheel.filename));
    await symlink(
      join(real, "gone-1.0-py3-none-any.whl"),
      join(folder, "gone-1.0-py3-none-any.whl"),
    );
    const report = await addPaths(store, [folder]);
    expect(report.added.map((f) => f.filename)).toEqual([wheel.filename]);
    expect(report.skipped).toEqual([join(folder, "gone-1.0-py3-none-any.whl")]);
  });

  it("skips a symlink loop in a directory and refuses a named one, adding the rest", async () => {
    const wheel = await buildWheel({ name: "looped", version: "1.0" });
    const folder = join(ctx.dir, "loops");
    await mkdir(folder);
    await writeDistributions(folder, [wheel]);
    await symlink("b", join(folder, "a"));
    await symlink("a", join(folder, "b"));
    const self = join(folder, "self-1.0-py3-none-any.whl");
    await symlink("self-1.0-py3-none-any.whl", self);
    const report = await addPaths(store, [folder, join(folder, "a")]);
    expect(report.added.map((f) => f.filename)).toEqual([wheel.filename]);
    expect(report.skipped).toEqual([join(folder, "a"), join(folder, "b"), self]);
    expect(report.failed.map((f) => [f.path, f.code])).toEqual([
      [join(folder, "a"), "PATH_UNREADABLE"],
    ]);
    expect(report.failed[0].message).toContain("ELOOP");
  });

  it("fails sdists in formats pip reads and the store cannot (not 'not distributions')", async () => {
    const folder = join(ctx.dir, "formats");
    await mkdir(folder);
    // pip 23.2's archive extensions besides .whl, .zip, .tar.gz, .tar.bz2
    const unsupported = [".tgz", ".tar", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma"];
    for (const ext of unsupported) await writeFile(join(folder, `pkg-1.0${ext}`), "x");
    await writeFile(join(folder, "backup.tar.xz"), "x"); // no {name}-{version}: not an sdist
    await writeFile(join(folder, "notes.txt"), "x");
    const named = join(ctx.dir, "named-2.0.tar.xz");
    await writeFile(named, "x");
    const report = await addPaths(store, [folder, named]);
    expect(report.failed.map((f) => [f.path.slice(ctx.dir.length + 1), f.code]).sort()).toEqual(
      [...unsupported.map((ext) => `formats/pkg-1.0${ext}`), "named-2.0.tar.xz"]
        .map((p) => [p, "UNSUPPORTED_SDIST_FORMAT"])
        .sort(),
    );
    for (const f of report.failed) expect(f.message).toContain(f.path.split("/").pop());
    expect(report.skipped).toEqual([join(folder, "backup.tar.xz"), join(folder, "notes.txt")]);
  });

  it.skipIf(!existsSync("/usr/bin/mkfifo"))(
    "refuses a named FIFO instead of waiting for a writer",
    async () => {
      const fifo = join(ctx.dir, "piped-1.0.tar.gz");
      execFileSync("/usr/bin/mkfifo", [fifo]);
      const report = await addPaths(store, [fifo]);
      expect(report.failed.map((f) => [f.path, f.code])).toEqual([[fifo, "NOT_A_FILE"]]);
      expect(report.failed[0].message).toContain(`"${fifo}"`);
    },
    10_000,
  );

  it("fails only the project whose catalog transaction fails (write lock held past the timeout)", async () => {
    const dists = [
      await buildWheel({ name: "locked", version: "1.0" }),
      await buildSdist({ name: "locked", version: "1.0" }),
    ];
    const folder = join(ctx.dir, "busy");
    await mkdir(folder);
    await writeDistributions(folder, dists);
    const impatient = await openStore(join(ctx.dir, "store"), { busyTimeoutMs: 50 });
    const holder = new Database(join(ctx.dir, "store", "catalog.db"));
    holder.exec("BEGIN IMMEDIATE");
    try {
      const report = await addPaths(impatient, [folder]);
      expect(report.failed.map((f) => [f.path.split("/").pop(), f.code]).sort()).toEqual(
        dists.map((d) => [d.filename, "CATALOG_BUSY"]).sort(),
      );
      for (const f of report.failed) expect(f.message).toContain(f.path.split("/").pop());
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    const again = await addPaths(impatient, [folder]);
    closeStore(impatient);
    expect(again.added).toHaveLength(2);
  });

  it("adds files and flat directories, skips non-distributions in directories", async () => {
    const dists = await Promise.all([
      buildWheel({ name: "alpha", version: "1.0" }),
      buildWheel({ name: "alpha", version: "1.1" }),
      buildSdist({ name: "beta", version: "0.1" }),
    ]);
    const folder = join(ctx.dir, "dists");
    await mkdir(folder);
    await writeDistributions(folder, dists);
    await writeFile(join(folder, "README.txt"), "hi");
    const report = await addPaths(store, [folder]);
    expect(report.added.map((f) => f.filename).sort()).toEqual(dists.map((d) => d.filename).sort());
    expect(report.skipped).toEqual([join(folder, "README.txt")]);
    expect(report.failed).toEqual([]);
    const again = await addPaths(store, [folder]);
    expect(again.added).toEqual([]);
    expect(again.unchanged).toHaveLength(3);
  });

  it("reports each bad file by name, stores nothing of it, and adds the others", async () => {
    const good = await buildWheel({ name: "good", version: "1.0" });
    const nometa = await buildWheel({ name: "nometa", version: "1.0", omitMetadata: true });
    const mismatch = await buildWheel({ name: "mismatch", version: "1.0" });
    const conflictA = await buildWheel({ name: "conflict", version: "1.0" });
    const conflictB = await buildWheel({ name: "conflict", version: "1.0", files: { "y.py": "" } });
    const folder = join(ctx.dir, "in");
    await mkdir(join(folder, "second"), { recursive: true });
    await writeDistributions(folder, [good, nometa, conflictA]);
    await writeFile(join(folder, "second", conflictB.filename), conflictB.bytes);
    await writeFile(join(folder, "mismatch-2.0-py3-none-any.whl"), mismatch.bytes);
    await writeFile(join(folder, "notzip-1.0-py3-none-any.whl"), "garbage");
    await writeFile(join(folder, "thing-1.0.egg"), "x");
    const report = await addPaths(store, [
      folder,
      join(folder, "second", conflictB.filename),
      join(folder, "thing-1.0.egg"),
      join(folder, "missing-1.0.tar.gz"),
    ]);
    const failed = Object.fromEntries(report.failed.map((f) => [f.path.split("/").pop(), f.code]));
    expect(failed).toEqual({
      "nometa-1.0-py3-none-any.whl": "NO_METADATA",
      "mismatch-2.0-py3-none-any.whl": "METADATA_MISMATCH",
      "notzip-1.0-py3-none-any.whl": "NOT_A_ZIP",
      [conflictB.filename]: "FILENAME_CONFLICT",
      "thing-1.0.egg": "UNKNOWN_EXTENSION",
      "missing-1.0.tar.gz": "NOT_FOUND",
    });
    for (const f of report.failed) expect(f.message).toContain(f.path.split("/").pop());
    expect(report.added.map((f) => f.filename).sort()).toEqual([conflictA.filename, good.filename]);
    expect(findFile(store, conflictA.filename)?.sha256).toBe(conflictA.sha256);
    expect(listProjects(store).map((p) => p.name)).toEqual(["conflict", "good"]);
    expect(await tmpEntries()).toEqual([]);
    // only the good files' blobs (distribution + metadata) exist
    const blobs = (await readdir(store.layout.blobs, { recursive: true })).filter(
      (p) => p.split("/").length === 3,
    );
    expect(blobs).toHaveLength(4);
  });
});
