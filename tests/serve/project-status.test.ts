// PEP 792 statuses on the index: stated on the project page (JSON and HTML, api-version 1.4); a
// quarantined project lists no file, serves none and leaves /links/; an archived or quarantined
// project takes no upload; "active" brings everything back.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIMPLE_JSON } from "../../src/pep/simple-json.js";
import { createApp } from "../../src/serve/app.js";
import {
  addPaths,
  closeStore,
  listFiles,
  openStore,
  type Store,
  setLocalProjectStatus,
} from "../../src/store/index.js";
import { readJson } from "../helpers/json.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../helpers/wheels.js";

let dir: string;
let store: Store;
/** A second connection, as `wheelhouse status` in another process (the server sees its commits). */
let admin: Store;
let app: Hono;
let wheel: BuiltDistribution;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-serve-status-"));
  wheel = await buildWheel({ name: "evil", version: "1.0" });
  await mkdir(join(dir, "in"));
  await writeDistributions(join(dir, "in"), [wheel]);
  store = await openStore(join(dir, "store"));
  await addPaths(store, [join(dir, "in")]);
  app = createApp({ store, uploadToken: "s3cret" });
  admin = await openStore(join(dir, "store"));
});
afterAll(async () => {
  closeStore(admin);
  closeStore(store);
  await rm(dir, { recursive: true, force: true });
});

const fileUrl = () => `/files/${wheel.sha256}/${wheel.filename}`;
const page = async () =>
  readJson(await app.request("/simple/evil/", { headers: { Accept: SIMPLE_JSON } }));
async function upload(version: string) {
  const d = await buildWheel({ name: "evil", version });
  const form = new FormData();
  form.set(":action", "file_upload");
  form.set("protocol_version", "1");
  form.set("sha256_digest", d.sha256);
  form.set("content", new Blob([new Uint8Array(d.bytes)]), d.filename);
  const auth = `Basic ${Buffer.from("__token__:s3cret").toString("base64")}`;
  return app.request("/legacy/", { method: "POST", body: form, headers: { Authorization: auth } });
}

describe("PEP 792 statuses on the index", () => {
  it("states a deprecation and still offers the files", async () => {
    setLocalProjectStatus(admin, "evil", { status: "deprecated", reason: "use good" });
    const json = await page();
    expect(json.meta["api-version"]).toBe("1.4");
    expect(json["project-status"]).toEqual({ status: "deprecated", reason: "use good" });
    expect(json.files).toHaveLength(1);
    const html = await (await app.request("/simple/evil/")).text();
    expect(html).toContain('<meta name="pypi:project-status" content="deprecated">');
    expect(html).toContain('<meta name="pypi:project-status-reason" content="use good">');
    expect((await app.request(fileUrl())).status).toBe(200);
    expect((await upload("1.1")).status).toBe(200);
  });

  it("offers nothing of a quarantined project and takes no upload", async () => {
    setLocalProjectStatus(admin, "evil", { status: "quarantined", reason: "malware" });
    const json = await page();
    expect(json["project-status"]).toEqual({ status: "quarantined", reason: "malware" });
    expect(json.files).toEqual([]);
    expect(json.versions).toEqual([]);
    const file = await app.request(fileUrl());
    expect(file.status).toBe(404);
    expect(await file.json()).toMatchObject({ code: "PROJECT_QUARANTINED" });
    expect((await app.request(`${fileUrl()}.metadata`)).status).toBe(404);
    expect(await (await app.request("/links/")).text()).not.toContain(wheel.filename);
    const refused = await upload("1.2");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "PROJECT_QUARANTINED" });
    expect(listFiles(store, "evil").map((f) => f.version)).toEqual(["1.0", "1.1"]);
  });

  it("takes no upload for an archived project; active brings all back", async () => {
    setLocalProjectStatus(admin, "evil", { status: "archived" });
    const refused = await upload("1.3");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "PROJECT_ARCHIVED" });
    setLocalProjectStatus(admin, "evil", { status: "active" });
    const json = await page();
    expect(json.meta["api-version"]).toBe("1.1");
    expect(json["project-status"]).toBeUndefined();
    expect(json.files).toHaveLength(2);
    expect(await (await app.request("/links/")).text()).toContain(wheel.filename);
  });
});
