// removeDistributions: files by name, releases by specifier (pre-releases included), all but the
// newest releases, and errors that remove nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addPaths,
  findProject,
  listFiles,
  parseRemoveSelector,
  removeDistributions,
  type Store,
} from "../../src/store/index.js";
import { buildSdist, buildWheel, writeDistributions } from "../helpers/wheels.js";
import { tempStore } from "./store-helpers.js";

let ctx: Awaited<ReturnType<typeof tempStore>>;
let store: Store;

beforeEach(async () => {
  ctx = await tempStore();
  store = ctx.store;
  const dists = [
    ...(await Promise.all(
      ["1.0", "1.1", "2.0rc1", "2.0"].map((version) => buildWheel({ name: "Lib", version })),
    )),
    await buildSdist({ name: "lib", version: "1.1" }),
    await buildWheel({ name: "other", version: "0.1" }),
  ];
  await writeDistributions(ctx.dir, dists);
  await addPaths(store, [ctx.dir]);
});
afterEach(() => ctx.cleanup());

const versions = (name: string) => [...new Set(listFiles(store, name).map((f) => f.version))];

describe("removeDistributions", () => {
  it("removes a release's files matched by a specifier, pre-releases included", () => {
    const report = removeDistributions(store, [{ project: "LIB", specifier: ">1.0,!=2.0" }]);
    expect(report.removed.map((f) => f.filename)).toEqual([
      "lib-1.1-py3-none-any.whl",
      "lib-1.1.tar.gz",
      "lib-2.0rc1-py3-none-any.whl",
    ]);
    expect(report.bytes).toBe(report.removed.reduce((s, f) => s + f.size, 0));
    expect(report.projectsEmptied).toEqual([]);
    expect(versions("lib")).toEqual(["1.0", "2.0"]);
  });

  it("removes a file by name, and a project whose last file goes leaves the catalog", () => {
    const report = removeDistributions(store, [{ filename: "other-0.1-py3-none-any.whl" }]);
    expect(report.projectsEmptied).toEqual(["other"]);
    expect(findProject(store, "other")).toBeUndefined();
  });

  it("keeps the newest releases of every project with --keep-latest and no selector", () => {
    const report = removeDistributions(store, [], { keepLatest: 2 });
    expect(report.removed.map((f) => f.version)).toEqual(["1.0", "1.1", "1.1"]);
    expect(versions("lib")).toEqual(["2.0", "2.0rc1"]);
    expect(versions("other")).toEqual(["0.1"]);
  });

  it("reports without removing in a dry run", () => {
    const report = removeDistributions(store, [{ project: "lib" }], { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, projectsEmptied: ["lib"] });
    expect(report.removed).toHaveLength(5);
    expect(versions("lib")).toHaveLength(4);
  });

  it.each([
    [{ filename: "lib-9.0-py3-none-any.whl" }, "NOT_IN_STORE", '"lib-9.0-py3-none-any.whl"'],
    [{ project: "nope" }, "NOT_IN_STORE", '"nope"'],
    [{ project: "lib", specifier: "<<2" }, "INVALID_SPECIFIER", "<<2"],
    [{ project: "bad name!" }, "INVALID_PROJECT_NAME", '"bad name!"'],
  ])("refuses %j before removing anything", (selector, code, quoted) => {
    expect(() => removeDistributions(store, [{ project: "other" }, selector])).toThrow(
      expect.objectContaining({ code, message: expect.stringContaining(quoted) }),
    );
    expect(findProject(store, "other")).toBeDefined();
  });
});

describe("parseRemoveSelector", () => {
  it.each([
    ["lib", { project: "lib" }],
    ["lib<2", { project: "lib", specifier: "<2" }],
    ["Lib == 1.0.*", { project: "Lib", specifier: "== 1.0.*" }],
    ["lib-1.0.tar.gz", { filename: "lib-1.0.tar.gz" }],
    ["lib-1.0-py3-none-any.whl", { filename: "lib-1.0-py3-none-any.whl" }],
  ])("reads %s", (arg, selector) => {
    expect(parseRemoveSelector(arg)).toEqual(selector);
  });
});
