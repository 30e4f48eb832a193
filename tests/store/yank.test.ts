// refreshYanked: the catalog takes an index's yank state for the files it lists with the stored
// bytes, and only those.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addPaths, findFile, refreshYanked, type Store } from "../../src/store/index.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";
import { tempStore } from "./store-helpers.js";

let ctx: Awaited<ReturnType<typeof tempStore>>;
let store: Store;
let a: Awaited<ReturnType<typeof buildWheel>>;
let b: Awaited<ReturnType<typeof buildWheel>>;

beforeAll(async () => {
  ctx = await tempStore();
  store = ctx.store;
  a = await buildWheel({ name: "Some_Lib", version: "1.0" });
  b = await buildWheel({ name: "Some_Lib", version: "2.0" });
  await writeDistributions(ctx.dir, [a, b]);
  await addPaths(store, [ctx.dir]);
});
afterAll(() => ctx.cleanup());

describe("refreshYanked", () => {
  it("writes only differences, for files listed with the stored sha256 or none", () => {
    const changes = refreshYanked(store, "some.lib", [
      { filename: a.filename, sha256: a.sha256.toUpperCase(), yanked: "bad" },
      { filename: b.filename, yanked: false },
      { filename: "some_lib-3.0-py3-none-any.whl", yanked: "not stored" },
    ]);
    expect(changes).toEqual([
      { filename: a.filename, project: "some-lib", was: false, yanked: "bad" },
    ]);
    expect(findFile(store, a.filename)?.yanked).toBe("bad");
    expect(findFile(store, b.filename)?.yanked).toBe(false);
  });

  it("leaves a file listed with other bytes, and projects it does not hold, alone", () => {
    expect(
      refreshYanked(store, "some-lib", [
        { filename: b.filename, sha256: "0".repeat(64), yanked: "x" },
      ]),
    ).toEqual([]);
    expect(findFile(store, b.filename)?.yanked).toBe(false);
    expect(refreshYanked(store, "absent", [{ filename: b.filename, yanked: "x" }])).toEqual([]);
  });

  it("computes without writing in a dry run", () => {
    const changes = refreshYanked(store, "some-lib", [{ filename: a.filename, yanked: false }], {
      dryRun: true,
    });
    expect(changes).toEqual([
      { filename: a.filename, project: "some-lib", was: "bad", yanked: false },
    ]);
    expect(findFile(store, a.filename)?.yanked).toBe("bad");
  });
});
