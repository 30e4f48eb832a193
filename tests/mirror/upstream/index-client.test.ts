import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createIndexClient,
  parseProjectPage,
  projectPageUrl,
} from "../../../src/mirror/upstream/index-client.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { buildSdist, buildWheel } from "../../helpers/wheels.js";
import { testClient } from "./helpers.js";

let index: FakeIndex;

beforeAll(async () => {
  const files = [
    { dist: await buildWheel({ name: "beta", version: "1.0" }), requiresPython: ">=3.8" },
    { dist: await buildWheel({ name: "beta", version: "2.0" }), yanked: "broken" },
    { dist: await buildSdist({ name: "beta", version: "2.0" }) },
  ];
  index = await startFakeIndex({ projects: { beta: files } });
});
afterAll(() => index.close());

describe("projectPageUrl", () => {
  it.each([
    ["https://pypi.org/simple/", "https://pypi.org/simple/flask/"],
    ["https://pypi.org/simple", "https://pypi.org/simple/flask/"],
    ["https://u:p@h.example/root/pypi/+simple/", "https://u:p@h.example/root/pypi/+simple/flask/"],
  ])("%s", (indexUrl, expected) => {
    expect(projectPageUrl(indexUrl, "flask")).toBe(expected);
  });
});

describe("fetchProjectPage", () => {
  it("gives the same files from PEP 691 JSON and PEP 503 HTML", async () => {
    const json = createIndexClient(testClient());
    const page = await json.fetchProjectPage(index.indexUrl, "beta");
    index.options.format = "html";
    const html = createIndexClient(testClient());
    const htmlPage = await html.fetchProjectPage(index.indexUrl, "beta");
    index.options.format = undefined;
    const essentials = (p: typeof page) =>
      p.files.map((f) => ({
        filename: f.filename,
        url: f.url,
        sha256: f.hashes.sha256,
        requiresPython: f.requiresPython,
        yanked: f.yanked,
        coreMetadata: f.coreMetadata,
      }));
    expect(page.files).toHaveLength(3);
    expect(essentials(htmlPage)).toEqual(essentials(page));
    expect(page.files[1].yanked).toBe("broken");
    expect(page.files[0].url).toBe(`${index.origin}/files/beta-1.0-py3-none-any.whl`);
    expect(page.files[2].coreMetadata).toBe(false);
  });

  it("asks for JSON first", async () => {
    const client = createIndexClient(testClient());
    await client.fetchProjectPage(index.indexUrl, "beta");
    const last = index.log.filter((r) => r.path === "/simple/beta/").at(-1);
    expect(last?.headers.accept).toMatch(/^application\/vnd\.pypi\.simple\.v1\+json/);
  });

  it("treats 404 as an unknown project and caches pages for the run", async () => {
    const client = createIndexClient(testClient());
    expect((await client.fetchProjectPage(index.indexUrl, "gamma")).files).toEqual([]);
    const before = index.count("/simple/beta/");
    await Promise.all([
      client.fetchProjectPage(index.indexUrl, "beta"),
      client.fetchProjectPage(index.indexUrl, "beta"),
    ]);
    await client.fetchProjectPage(index.indexUrl, "beta");
    expect(index.count("/simple/beta/") - before).toBe(1);
  });
});

describe("parseProjectPage", () => {
  it("refuses a content type that is not the simple API", () => {
    expect(() => parseProjectPage("PNG", "image/png", "https://h.example/simple/a/")).toThrow(
      'project page "https://h.example/simple/a/" has content type "image/png", not a simple API page',
    );
  });
  it("sniffs JSON when no content type is given", () => {
    const page = parseProjectPage(
      '{"meta":{"api-version":"1.0"},"name":"a","files":[]}',
      undefined,
      "https://h.example/simple/a/",
    );
    expect(page.name).toBe("a");
  });
});
