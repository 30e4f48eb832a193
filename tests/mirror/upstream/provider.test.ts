import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUpstreamProvider, isFileOfProject } from "../../../src/mirror/upstream/provider.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import {
  type BuiltDistribution,
  buildSdist,
  buildWheel,
  writeDistributions,
} from "../../helpers/wheels.js";
import { testClient } from "./helpers.js";

let first: FakeIndex;
let second: FakeIndex;
let dir: string;
let d: Record<string, BuiltDistribution>;

beforeAll(async () => {
  d = {
    one: await buildWheel({ name: "iota", version: "1.0", requiresDist: ["kappa"] }),
    two: await buildWheel({ name: "iota", version: "2.0", requiresPython: ">=3.9" }),
    three: await buildWheel({ name: "iota", version: "3.0" }),
    sdist: await buildSdist({ name: "iota", version: "2.0" }),
    kappa: await buildWheel({ name: "kappa", version: "0.5" }),
  };
  first = await startFakeIndex({ projects: { iota: [{ dist: d.one }] } });
  second = await startFakeIndex({
    projects: {
      iota: [{ dist: d.one }, { dist: d.two, requiresPython: ">=3.9" }, { dist: d.sdist }],
    },
  });
  dir = await mkdtemp(join(tmpdir(), "wh-provider-"));
  await writeDistributions(dir, [d.three, d.kappa]);
});
afterAll(async () => {
  await first.close();
  await second.close();
  await rm(dir, { recursive: true, force: true });
});

describe("createUpstreamProvider", () => {
  it("merges every source, the first one winning for identical filenames", async () => {
    const provider = createUpstreamProvider({
      http: testClient(),
      indexUrls: [first.indexUrl, second.indexUrl],
      findLinks: [dir],
    });
    const files = await provider.listFiles("iota");
    expect(files.map((f) => [f.filename, f.source])).toEqual([
      [d.one.filename, first.indexUrl],
      [d.two.filename, second.indexUrl],
      [d.sdist.filename, second.indexUrl],
      [d.three.filename, dir],
    ]);
    expect(files[0]).toMatchObject({
      url: `${first.origin}/files/${d.one.filename}`,
      sha256: d.one.sha256,
      size: d.one.bytes.length,
      yanked: false,
      hasCoreMetadata: true,
    });
    expect(files[1].requiresPython).toBe(">=3.9");
    expect(files[3].url).toBe(pathToFileURL(join(dir, d.three.filename)).href);
    expect(await provider.listFiles("lambda")).toEqual([]);
    expect((await provider.listFiles("kappa")).map((f) => f.filename)).toEqual([d.kappa.filename]);
  });

  it("gives metadata lazily and build requirements with the PEP 517 fallback", async () => {
    const provider = createUpstreamProvider({
      http: testClient(),
      indexUrls: [first.indexUrl, second.indexUrl],
      findLinks: [dir],
      metadataConcurrency: 2,
    });
    const files = await provider.listFiles("iota");
    expect(second.count(`/files/${d.two.filename}.metadata`)).toBe(0);
    const metas = await Promise.all(files.map((f) => provider.getMetadata(f)));
    expect(metas.map((m) => [m.name, m.version, m.requiresDist, m.requiresPython])).toEqual([
      ["iota", "1.0", ["kappa"], undefined],
      ["iota", "2.0", [], ">=3.9"],
      ["iota", "2.0", [], undefined],
      ["iota", "3.0", [], undefined],
    ]);
    expect(first.count(`/files/${d.one.filename}`)).toBe(0);
    expect(await provider.getBuildRequires(files[2])).toEqual(["setuptools>=40.8.0", "wheel"]);
  });
});

describe("isFileOfProject", () => {
  it.each([
    ["iota-1.0-py3-none-any.whl", "iota", true],
    ["Iota-1.0.tar.gz", "iota", true],
    ["iota_extra-1.0-py3-none-any.whl", "iota", false],
    ["zope.interface-5.0.tar.gz", "zope-interface", true],
    ["foo-bar-1.0-beta.tar.gz", "foo-bar", true],
    ["foo-bar-1.0-beta.tar.gz", "foo", false],
    ["readme.txt", "readme", false],
  ])("%s of %s: %s", (filename, project, expected) => {
    expect(isFileOfProject(filename, project)).toBe(expected);
  });
});
