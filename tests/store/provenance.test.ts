// PEP 740 provenance objects in the catalog: kept only when about the file, replaced by a newer
// one, invisible once the file's row is gone (and then deleted by gc's orphan sweep); a catalog
// of schema 2 migrates keeping its rows, and one opened read-only (an older wheelhouse's) reads
// as holding none.
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addPaths,
  attestationIdentities,
  attestedFiles,
  closeStore,
  iterateProvenances,
  listFiles,
  openStore,
  provenanceOf,
  recordProvenance,
  removeDistributions,
  removeOrphanProvenances,
  type Store,
} from "../../src/store/index.js";
import { SCHEMA_VERSION } from "../../src/store/schema.js";
import { makeProvenance } from "../helpers/provenance.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../helpers/wheels.js";
import { tempStore } from "./store-helpers.js";

let ctx: Awaited<ReturnType<typeof tempStore>>;
let store: Store;
let wheel: BuiltDistribution;
const when = new Date("2026-01-02T03:04:05Z");

beforeEach(async () => {
  ctx = await tempStore();
  store = ctx.store;
  wheel = await buildWheel({ name: "lib", version: "1.0" });
  await writeDistributions(ctx.dir, [wheel]);
  await addPaths(store, [ctx.dir]);
});
afterEach(() => ctx.cleanup());

describe("provenance objects in the catalog", () => {
  it("keeps one about the file, with its publishers, source and time", () => {
    const body = makeProvenance(wheel);
    const summary = recordProvenance(store, wheel, body, "https://i.example/p", when);
    expect(summary.attestations).toBe(1);
    expect(provenanceOf(store, wheel.sha256.toUpperCase())).toEqual({
      sha256: wheel.sha256,
      body,
      publishers: summary.publishers,
      source: "https://i.example/p",
      fetchedAt: "2026-01-02T03:04:05.000Z",
    });
    expect(attestedFiles(store, "lib")).toEqual(new Set([wheel.sha256]));
    expect(attestationIdentities(store, wheel.sha256)).toEqual([
      {
        kind: "GitHub",
        repository: "pypa/sampleproject",
        workflow: "release.yml",
        environment: "pypi",
      },
    ]);
    expect([...iterateProvenances(store)].map((p) => p.sha256)).toEqual([wheel.sha256]);
  });

  it("refuses one about another file and keeps the one it had", () => {
    recordProvenance(store, wheel, makeProvenance(wheel), "a");
    expect(() =>
      recordProvenance(store, wheel, makeProvenance(wheel, { subjectName: "x-1.0.tar.gz" }), "b"),
    ).toThrow(expect.objectContaining({ code: "PROVENANCE_MISMATCH" }));
    expect(provenanceOf(store, wheel.sha256)?.source).toBe("a");
  });

  it("replaces one kept before", () => {
    recordProvenance(store, wheel, makeProvenance(wheel), "a");
    const gitlab = { kind: "GitLab", repository: "g/lib", workflow_filepath: "ci.yml" };
    recordProvenance(store, wheel, makeProvenance(wheel, { publisher: gitlab }), "b");
    expect(provenanceOf(store, wheel.sha256)?.publishers).toEqual([
      { kind: "GitLab", repository: "g/lib", workflow: "ci.yml" },
    ]);
  });

  it("hides a removed file's provenance, and the orphan sweep deletes it", () => {
    recordProvenance(store, wheel, makeProvenance(wheel), "a");
    removeDistributions(store, [{ project: "lib" }]);
    expect(provenanceOf(store, wheel.sha256)).toBeUndefined();
    expect([...iterateProvenances(store)]).toEqual([]);
    expect(removeOrphanProvenances(store)).toBe(1);
    expect(removeOrphanProvenances(store)).toBe(0);
  });

  it("migrates a catalog of schema 2, and reads an older read-only one as holding none", async () => {
    recordProvenance(store, wheel, makeProvenance(wheel), "a");
    const old: Store = { ...store, schema: 2 };
    expect(provenanceOf(old, wheel.sha256)).toBeUndefined();
    expect(attestedFiles(old, "lib")).toEqual(new Set());
    expect([...iterateProvenances(old)]).toEqual([]);

    const path = store.layout.catalog;
    closeStore(store);
    const db = new Database(path);
    db.exec("DROP TABLE provenances");
    db.pragma("user_version = 2");
    db.close();
    store = await openStore(store.layout.dir);
    ctx.store = store;
    expect(store.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(listFiles(store, "lib")).toHaveLength(1);
    recordProvenance(store, wheel, makeProvenance(wheel), "a");
    expect(provenanceOf(store, wheel.sha256)).toBeDefined();
  });
});
