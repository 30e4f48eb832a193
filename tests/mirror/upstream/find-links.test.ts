import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFindLinks } from "../../../src/mirror/upstream/find-links.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../../helpers/wheels.js";
import { testClient } from "./helpers.js";

let dir: string;
let index: FakeIndex;
let dists: BuiltDistribution[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-findlinks "));
  dists = [
    await buildWheel({ name: "delta", version: "1.0" }),
    await buildWheel({ name: "epsilon", version: "0.1" }),
  ];
  await writeDistributions(dir, dists);
  await writeFile(join(dir, "notes.txt"), "not a distribution");
  await mkdir(join(dir, "sub"));
  await writeFile(join(dir, "sub", "zeta-1.0-py3-none-any.whl"), "nested: not listed");
  index = await startFakeIndex({
    projects: { delta: [{ dist: dists[0] }], epsilon: [{ dist: dists[1] }] },
  });
});
afterAll(async () => {
  await index.close();
  await rm(dir, { recursive: true, force: true });
});

describe("listFindLinks", () => {
  it("lists a local directory's distributions as file: URLs, without the network", async () => {
    const http = testClient();
    const files = await listFindLinks(http, dir);
    expect(files.map((f) => [f.filename, f.url, f.size])).toEqual(
      dists.map((d) => [d.filename, pathToFileURL(join(dir, d.filename)).href, d.bytes.length]),
    );
    expect(files[0].url).toContain("wh-findlinks%20");
    expect(await listFindLinks(http, pathToFileURL(dir).href)).toEqual(files);
  });

  it("parses a remote page of links with hashes", async () => {
    const files = await listFindLinks(testClient(), index.linksUrl);
    expect(files.map((f) => [f.filename, f.url, f.hashes.sha256])).toEqual(
      dists.map((d) => [d.filename, `${index.origin}/files/${d.filename}`, d.sha256]),
    );
  });

  it("parses a local HTML page relative to its own location", async () => {
    const page = join(dir, "links.html");
    await writeFile(page, '<a href="delta-1.0-py3-none-any.whl">delta</a>');
    const files = await listFindLinks(testClient(), page);
    expect(files.map((f) => f.url)).toEqual([
      pathToFileURL(join(dir, "delta-1.0-py3-none-any.whl")).href,
    ]);
    await rm(page);
  });

  // pip 23.2.1 (pip download --no-index --no-deps -f DIR) found both a wheel symlinked into DIR
  // and a wheel linked from DIR/index.html.
  it("follows symlinks and reads the directory's HTML pages, as pip does", async () => {
    const outside = await mkdtemp(join(tmpdir(), "wh-findlinks-out-"));
    const linked = await buildWheel({ name: "eta", version: "2.0" });
    const paged = await buildWheel({ name: "theta", version: "3.0" });
    await writeDistributions(outside, [linked, paged]);
    const flat = await mkdtemp(join(tmpdir(), "wh-findlinks-flat-"));
    await symlink(join(outside, linked.filename), join(flat, linked.filename));
    await symlink(
      join(outside, "gone-1.0-py3-none-any.whl"),
      join(flat, "gone-1.0-py3-none-any.whl"),
    );
    const page = `<a href="${pathToFileURL(join(outside, paged.filename)).href}">theta</a>`;
    await writeFile(join(flat, "index.html"), page);
    try {
      const files = await listFindLinks(testClient(), flat);
      expect(files.map((f) => [f.filename, f.url, f.size])).toEqual([
        [linked.filename, pathToFileURL(join(flat, linked.filename)).href, linked.bytes.length],
        [paged.filename, pathToFileURL(join(outside, paged.filename)).href, undefined],
      ]);
    } finally {
      await rm(flat, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("takes an http(s) URL of a distribution as that one file, without fetching it", async () => {
    const http = testClient();
    const before = index.log.length;
    const url = `${index.origin}/files/${dists[0].filename}`;
    const files = await listFindLinks(http, `${url}#sha256=${dists[0].sha256.toUpperCase()}`);
    expect(files).toEqual([
      {
        filename: dists[0].filename,
        url,
        hashes: { sha256: dists[0].sha256 },
        yanked: false,
        coreMetadata: false,
      },
    ]);
    expect(index.log.length).toBe(before);
  });

  it("names a missing location", async () => {
    const error = await listFindLinks(testClient(), join(dir, "missing")).catch((e) => e);
    expect(error.code).toBe("FIND_LINKS_NOT_FOUND");
    expect(error.message).toContain("missing");
  });
});
