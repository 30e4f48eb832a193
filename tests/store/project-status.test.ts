// Project statuses in the catalog (PEP 792): a local status wins over an index's, an index's goes
// when that index stops stating it, and a catalog of schema 1 migrates keeping its rows.
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addPaths,
  closeStore,
  listFiles,
  listProjectStatuses,
  openStore,
  projectStatus,
  quarantinedProjects,
  recordIndexStatus,
  type Store,
  setLocalProjectStatus,
} from "../../src/store/index.js";
import { SCHEMA_VERSION } from "../../src/store/schema.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";
import { tempStore } from "./store-helpers.js";

let ctx: Awaited<ReturnType<typeof tempStore>>;
let store: Store;
const A = "https://a.example/simple/";
const B = "https://b.example/simple/";
const when = new Date("2026-01-02T03:04:05Z");

beforeEach(async () => {
  ctx = await tempStore();
  store = ctx.store;
});
afterEach(() => ctx.cleanup());

describe("project statuses", () => {
  it("records an index's status, and drops it when that index no longer states it", () => {
    expect(recordIndexStatus(store, "Some_Lib", { status: "archived" }, A, when)).toBe(true);
    expect(projectStatus(store, "some-lib")).toEqual({
      name: "some-lib",
      status: "archived",
      source: A,
      updatedAt: "2026-01-02T03:04:05.000Z",
    });
    expect(recordIndexStatus(store, "some-lib", { status: "archived" }, A)).toBe(false);
    expect(recordIndexStatus(store, "some-lib", undefined, B)).toBe(false);
    expect(projectStatus(store, "some-lib")?.status).toBe("archived");
    expect(recordIndexStatus(store, "some-lib", { status: "active" }, A)).toBe(true);
    expect(projectStatus(store, "some-lib")).toBeUndefined();
  });

  it("keeps a local status whatever an index says, until it is set active", () => {
    setLocalProjectStatus(store, "lib", { status: "Quarantined", reason: "malware" });
    expect(recordIndexStatus(store, "lib", { status: "deprecated" }, A)).toBe(false);
    expect(recordIndexStatus(store, "lib", undefined, A)).toBe(false);
    expect(projectStatus(store, "lib")).toMatchObject({
      status: "quarantined",
      reason: "malware",
      source: "local",
    });
    expect(quarantinedProjects(store)).toEqual(new Set(["lib"]));
    expect(listProjectStatuses(store).map((s) => s.name)).toEqual(["lib"]);
    setLocalProjectStatus(store, "lib", { status: "active" });
    expect(listProjectStatuses(store)).toEqual([]);
  });

  it("refuses a status PEP 792 does not define, and an invalid name", () => {
    expect(() => setLocalProjectStatus(store, "lib", { status: "abandoned" })).toThrow(
      expect.objectContaining({
        code: "INVALID_PROJECT_STATUS",
        message: expect.stringContaining('"abandoned"'),
      }),
    );
    expect(() => setLocalProjectStatus(store, "no good", { status: "archived" })).toThrow(
      expect.objectContaining({ code: "INVALID_PROJECT_NAME" }),
    );
  });

  it("migrates a catalog of schema 1, keeping its files", async () => {
    const wheel = await buildWheel({ name: "kept", version: "1.0" });
    await writeDistributions(ctx.dir, [wheel]);
    await addPaths(store, [ctx.dir]);
    const path = store.layout.catalog;
    closeStore(store);
    const db = new Database(path);
    db.exec("DROP TABLE project_statuses; DROP TABLE provenances");
    db.pragma("user_version = 1");
    db.close();
    store = await openStore(store.layout.dir);
    ctx.store = store;
    expect(store.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(listFiles(store, "kept")).toHaveLength(1);
    setLocalProjectStatus(store, "kept", { status: "deprecated" });
    expect(projectStatus(store, "kept")?.status).toBe("deprecated");
  });

  it("reads every project as active in a catalog of schema 1 opened read-only", () => {
    const old: Store = { ...store, schema: 1 };
    expect(projectStatus(old, "lib")).toBeUndefined();
    expect(listProjectStatuses(old)).toEqual([]);
    expect(quarantinedProjects(old)).toEqual(new Set());
    expect(recordIndexStatus(old, "lib", { status: "archived" }, A)).toBe(false);
  });
});
