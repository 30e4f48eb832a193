// The index server through `app.request()`: every route, negotiation, caching headers, ranges,
// PEP 691/700/714 fields, and uploads, over a store of generated wheels.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIMPLE_JSON } from "../../src/pep/simple-json.js";
import { createApp } from "../../src/serve/app.js";
import { addPaths } from "../../src/store/add.js";
import { listFiles } from "../../src/store/queries.js";
import { closeStore, openStore, type Store } from "../../src/store/store.js";
import { readJson } from "../helpers/json.js";
import {
  type BuiltDistribution,
  buildSdist,
  buildWheel,
  writeDistributions,
} from "../helpers/wheels.js";

let dir: string;
let store: Store;
let app: Hono;
let dists: BuiltDistribution[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-serve-"));
  dists = [
    await buildWheel({ name: "Demo_Pkg", version: "1.0", requiresPython: ">=3.8,<4" }),
    await buildWheel({ name: "Demo_Pkg", version: "2.0", requiresDist: ["six"] }),
    await buildSdist({ name: "demo-pkg", version: "2.0" }),
    await buildWheel({ name: "six", version: "1.17.0", tags: "py2.py3-none-any" }),
  ];
  await mkdir(join(dir, "in"));
  await writeDistributions(join(dir, "in"), dists);
  store = await openStore(join(dir, "store"));
  const report = await addPaths(store, [join(dir, "in")]);
  expect(report.failed).toEqual([]);
  app = createApp({ store, uploadToken: "s3cret" });
});

afterAll(async () => {
  closeStore(store);
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

describe("simple index pages", () => {
  it("lists every project as HTML by default and JSON on request", async () => {
    const html = await get("/simple/");
    expect(html.status).toBe(200);
    // HTML5 needs the encoding declared, and the page has no <meta charset>.
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.headers.get("vary")).toContain("Accept");
    const body = await html.text();
    expect(body).toContain('<meta name="pypi:repository-version" content="1.1">');
    expect(body).toMatch(/href="demo-pkg\/"/);
    const json = await get("/simple/", { Accept: SIMPLE_JSON });
    expect(json.headers.get("content-type")).toBe(SIMPLE_JSON);
    const doc = await readJson(json);
    expect(doc.meta["api-version"]).toBe("1.1");
    expect(doc.projects.map((p: { name: string }) => p.name).sort()).toEqual(["demo-pkg", "six"]);
  });

  it("gives a PEP 691 JSON project page, field by field (PEP 691/700/714/592)", async () => {
    const res = await get("/simple/demo-pkg/", { Accept: `${SIMPLE_JSON}, text/html;q=0.1` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(SIMPLE_JSON);
    const doc = await readJson(res);
    expect(doc.meta).toEqual({ "api-version": "1.1" });
    expect(doc.name).toBe("demo-pkg");
    expect(doc.versions).toEqual(["1.0", "2.0"]);
    const byName = Object.fromEntries(doc.files.map((f: { filename: string }) => [f.filename, f]));
    const w1 = dists[0];
    expect(byName[w1.filename]).toEqual({
      filename: w1.filename,
      url: `/files/${w1.sha256}/${w1.filename}`,
      hashes: { sha256: w1.sha256 },
      "requires-python": ">=3.8,<4",
      yanked: false,
      size: w1.bytes.length,
      "core-metadata": { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const sdist = byName[dists[2].filename];
    expect(sdist["core-metadata"]).toBeUndefined();
    expect(sdist.size).toBe(dists[2].bytes.length);
  });

  it("gives a PEP 503 HTML project page with fragments and data attributes", async () => {
    const res = await get("/simple/demo-pkg/", { Accept: "text/html" });
    const body = await res.text();
    const w1 = dists[0];
    expect(body).toContain(`href="/files/${w1.sha256}/${w1.filename}#sha256=${w1.sha256}"`);
    expect(body).toContain('data-requires-python="&gt;=3.8,&lt;4"');
    expect(body).toMatch(/data-core-metadata="sha256=[0-9a-f]{64}"/);
    expect(body).toMatch(/data-dist-info-metadata="sha256=[0-9a-f]{64}"/);
  });

  it.each([
    ["application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.v1+html"],
    ["application/vnd.pypi.simple.v1+json;q=0, text/html", "text/html; charset=utf-8"],
    [
      "application/vnd.pypi.simple.v1+json;q=0.5, application/vnd.pypi.simple.v1+html",
      "application/vnd.pypi.simple.v1+html",
    ],
    ["*/*", "text/html; charset=utf-8"],
  ])("negotiates Accept %j as %s", async (accept, type) => {
    const res = await get("/simple/six/", { Accept: accept });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
  });

  it("lets ?format= override Accept and answers 406 when nothing is acceptable", async () => {
    const forced = await get(`/simple/six/?format=${encodeURIComponent(SIMPLE_JSON)}`, {
      Accept: "text/html",
    });
    expect(forced.headers.get("content-type")).toBe(SIMPLE_JSON);
    const refused = await get("/simple/six/", { Accept: "image/png" });
    expect(refused.status).toBe(406);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
  });

  it("redirects non-canonical names and bare paths with 301", async () => {
    const res = await get("/simple/Demo_Pkg/?format=text/html");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/simple/demo-pkg/?format=text/html");
    const slash = await get("/simple/six");
    expect(slash.status).toBe(301);
    expect(slash.headers.get("location")).toBe("/simple/six/");
  });

  it("decodes a path once: odd escapes are 404s or redirects, never 500", async () => {
    for (const path of ["/simple/foo%E0%A4%A/", `/files/${"0".repeat(64)}/foo%E0%A4%A.whl`]) {
      expect((await get(path)).status).toBe(404);
    }
    // "%252D" is a literal "%2D", not "-": no project of that name.
    expect((await get("/simple/demo%252Dpkg/")).status).toBe(404);
    const bare = await get("/simple/foo%0Abar");
    expect(bare.status).toBe(301);
    expect(bare.headers.get("location")).toBe("/simple/foo%0Abar/");
  });

  it("answers unknown projects with 404 problem+json", async () => {
    const res = await get("/simple/nope/");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await readJson(res)).toMatchObject({ status: 404, code: "PROJECT_NOT_FOUND" });
  });

  it("carries an ETag, honours If-None-Match and gzips for clients that accept it", async () => {
    const first = await get("/simple/demo-pkg/", { "Accept-Encoding": "gzip" });
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get("content-encoding")).toBe("gzip");
    const plain = await get("/simple/demo-pkg/");
    expect(gunzipSync(Buffer.from(await first.arrayBuffer())).toString()).toBe(await plain.text());
    // Two representations, two strong validators (RFC 9110 §8.8.3); either revalidates.
    const plainEtag = plain.headers.get("etag")!;
    expect(plainEtag).not.toBe(etag);
    expect(etag).toBe(`${plainEtag.slice(0, -1)}-gz"`);
    for (const tag of [etag, plainEtag]) {
      expect((await get("/simple/demo-pkg/", { "If-None-Match": tag })).status).toBe(304);
    }
  });

  it("names in a 304 the ETag a 200 would have carried (RFC 9110 §15.4.5)", async () => {
    const gz = (await get("/simple/demo-pkg/", { "Accept-Encoding": "gzip" })).headers.get("etag")!;
    const plain = (await get("/simple/demo-pkg/")).headers.get("etag")!;
    for (const [encoding, expected] of [
      ["gzip", gz],
      ["identity", plain],
    ]) {
      for (const tag of [gz, plain]) {
        const res = await get("/simple/demo-pkg/", {
          "If-None-Match": tag,
          "Accept-Encoding": encoding,
        });
        expect(res.status).toBe(304);
        expect(res.headers.get("etag")).toBe(expected);
      }
    }
  });

  it.each([
    ["gzip", true],
    ["x-gzip", true],
    ["*", true],
    ["br;q=1.0, gzip;q=0.8", true],
    ["gzip;q=0", false],
    ["gzip;q=0, *", false],
    ["*, gzip;Q=0", false],
    ["*;q=0", false],
    ["identity", false],
    ["br, deflate", false],
  ])("reads Accept-Encoding %j as gzip %s (RFC 9110 §12.5.3)", async (encoding, gzip) => {
    const res = await get("/simple/demo-pkg/", { "Accept-Encoding": encoding });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe(gzip ? "gzip" : null);
  });

  it("redirects under --base-url, so a proxy's path prefix is kept", async () => {
    const proxied = createApp({ store, baseUrl: "https://pypi.example/mirror/" });
    for (const [path, location] of [
      ["/", "https://pypi.example/mirror/simple/"],
      ["/simple", "https://pypi.example/mirror/simple/"],
      ["/simple/six", "https://pypi.example/mirror/simple/six/"],
      [
        "/simple/Demo_Pkg/?format=text/html",
        "https://pypi.example/mirror/simple/demo-pkg/?format=text/html",
      ],
      ["/links", "https://pypi.example/mirror/links/"],
    ]) {
      const res = await proxied.request(path);
      expect([301, 302], path).toContain(res.status);
      expect(res.headers.get("location"), path).toBe(location);
    }
  });

  it("serves a flat find-links page of every file", async () => {
    const body = await (await get("/links/")).text();
    for (const d of dists) expect(body).toContain(`${d.filename}#sha256=${d.sha256}`);
  });

  it("logs one line per request, whatever escapes the path holds", async () => {
    const lines: string[] = [];
    const logged = createApp({ store, log: (line) => lines.push(line) });
    await logged.request("/simple/a%0D%0AGET%20/simple/six/%20200%201.0ms%0A/");
    await logged.request("/simple/six/");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
    expect(lines[0]).toMatch(
      /^GET \/simple\/a%0D%0AGET%20\/simple\/six\/%20200%201\.0ms%0A\/ 404 /,
    );
  });

  it("answers /health", async () => {
    expect((await get("/health")).status).toBe(200);
  });
});

describe("files and core metadata", () => {
  it("serves files with the sha256 as ETag, immutable caching and ranges", async () => {
    const w = dists[1];
    const url = `/files/${w.sha256}/${w.filename}`;
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${w.sha256}"`);
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect(Buffer.from(await res.arrayBuffer()).equals(w.bytes)).toBe(true);
    const part = await get(url, { Range: "bytes=10-19" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-19/${w.bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(w.bytes.subarray(10, 20))).toBe(true);
    const tail = await get(url, { Range: "bytes=-22" });
    expect(Buffer.from(await tail.arrayBuffer()).equals(w.bytes.subarray(-22))).toBe(true);
    const bad = await get(url, { Range: `bytes=${w.bytes.length}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe(`bytes */${w.bytes.length}`);
    expect((await get(url, { "If-None-Match": `"${w.sha256}"` })).status).toBe(304);
  });

  it("serves each wheel's .metadata byte-for-byte as inside the wheel (PEP 658)", async () => {
    for (const d of dists.filter((x) => x.filename.endsWith(".whl"))) {
      const res = await get(`/files/${d.sha256}/${d.filename}.metadata`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(d.metadata);
    }
    const s = dists[2];
    expect((await get(`/files/${s.sha256}/${s.filename}.metadata`)).status).toBe(404);
  });

  it("refuses a sha256 that does not belong to the filename", async () => {
    const [a, b] = dists;
    expect((await get(`/files/${a.sha256}/${b.filename}`)).status).toBe(404);
  });
});

describe("uploads (legacy API)", () => {
  async function uploadForm(d: BuiltDistribution, extra: Record<string, string> = {}) {
    const form = new FormData();
    form.set(":action", "file_upload");
    form.set("protocol_version", "1");
    form.set("name", d.filename.split("-")[0]);
    form.set("version", d.filename.split("-")[1].replace(/\.tar\.gz$/, ""));
    form.set("sha256_digest", d.sha256);
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    form.set("content", new Blob([new Uint8Array(d.bytes)]), d.filename);
    return form;
  }
  const auth = (token: string) => `Basic ${Buffer.from(`__token__:${token}`).toString("base64")}`;

  it("answers 405 with Allow when uploads are disabled", async () => {
    const readOnly = createApp({ store });
    const res = await readOnly.request("/legacy/", { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  it("refuses missing (401) and wrong (403) credentials and stores nothing", async () => {
    const d = await buildWheel({ name: "uploaded", version: "0.1" });
    const none = await app.request("/legacy/", { method: "POST", body: await uploadForm(d) });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Basic");
    const wrong = await app.request("/legacy/", {
      method: "POST",
      body: await uploadForm(d),
      headers: { Authorization: auth("nope") },
    });
    expect(wrong.status).toBe(403);
    expect(listFiles(store, "uploaded")).toEqual([]);
  });

  it("stores an upload, treats the same bytes as a no-op and refuses other bytes (409)", async () => {
    const d = await buildWheel({ name: "uploaded", version: "0.2" });
    const ok = await app.request("/legacy/", {
      method: "POST",
      body: await uploadForm(d),
      headers: { Authorization: auth("s3cret") },
    });
    expect(ok.status).toBe(200);
    expect(listFiles(store, "uploaded").map((f) => f.filename)).toEqual([d.filename]);
    const page = await readJson(await get("/simple/uploaded/", { Accept: SIMPLE_JSON }));
    expect(page.files.map((f: { filename: string }) => f.filename)).toEqual([d.filename]);
    const same = await app.request("/legacy/", {
      method: "POST",
      body: await uploadForm(d),
      headers: { Authorization: auth("s3cret") },
    });
    expect(same.status).toBe(200);
    const other = await buildWheel({
      name: "uploaded",
      version: "0.2",
      files: { "x.py": "x=1\n" },
    });
    const conflict = await app.request("/legacy/", {
      method: "POST",
      body: await uploadForm({ ...other, filename: d.filename }),
      headers: { Authorization: auth("s3cret") },
    });
    expect(conflict.status).toBe(409);
    expect(listFiles(store, "uploaded")[0].sha256).toBe(d.sha256);
  });

  it("refuses a file that is not a distribution", async () => {
    const junk = {
      filename: "junk-1.0-py3-none-any.whl",
      bytes: Buffer.from("not a zip"),
      sha256: "",
      metadata: "",
    };
    const res = await app.request("/legacy/", {
      method: "POST",
      body: await uploadForm(junk, { sha256_digest: "" }),
      headers: { Authorization: auth("s3cret") },
    });
    expect(res.status).toBe(400);
    expect(listFiles(store, "junk")).toEqual([]);
  });

  it.each([
    "uploaded-0.3\n.tar.gz",
    "uploaded-0.3 .tar.gz",
    "uploaded-0.3\t-py3-none-any.whl",
    "uploaded-0.3-py3-none-any.whl\r",
    "sub/uploaded-0.3.tar.gz",
    "sub\\uploaded-0.3.tar.gz",
  ])("refuses the filename %j and stores nothing", async (filename) => {
    const d = filename.endsWith(".whl")
      ? await buildWheel({ name: "uploaded", version: "0.3" })
      : await buildSdist({ name: "uploaded", version: "0.3" });
    const res = await app.request("/legacy/", {
      method: "POST",
      body: await uploadForm({ ...d, filename }, { name: "uploaded", version: "0.3" }),
      headers: { Authorization: auth("s3cret") },
    });
    expect(res.status).toBe(400);
    expect(listFiles(store, "uploaded").map((f) => f.filename)).not.toContain(filename);
  });

  it("refuses a body over the size limit with 413, and a wrong md5_digest with 400", async () => {
    const small = createApp({ store, uploadToken: "s3cret", maxUploadBytes: 1024 });
    const d = await buildWheel({
      name: "sized",
      version: "1.0",
      files: { "sized/x.bin": "x".repeat(5000) },
    });
    const big = await small.request("/legacy/", {
      method: "POST",
      body: await uploadForm(d),
      headers: { Authorization: auth("s3cret") },
    });
    expect(big.status).toBe(413);
    expect(await readJson(big)).toMatchObject({ code: "UPLOAD_TOO_LARGE" });
    // Credentials come first: no token, no word about the size.
    expect(
      (await small.request("/legacy/", { method: "POST", body: await uploadForm(d) })).status,
    ).toBe(401);
    const form = await uploadForm(d, { md5_digest: "0".repeat(32) });
    form.delete("sha256_digest");
    const md5 = await app.request("/legacy/", {
      method: "POST",
      body: form,
      headers: { Authorization: auth("s3cret") },
    });
    expect(md5.status).toBe(400);
    expect(await readJson(md5)).toMatchObject({ code: "HASH_MISMATCH" });
    expect(listFiles(store, "sized")).toEqual([]);
  });
});
