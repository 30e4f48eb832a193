// PEP 740 provenance through sync and serve: a provenance the upstream offers for a chosen file is
// fetched once, checked against the file and kept; one about another file is a warning and is
// not kept; `--no-provenance` and dry runs ask for none. `serve` then offers what was kept (API
// 1.3 `provenance` URL, HTML `data-provenance`), byte for byte, and a second wheelhouse syncing
// from that server keeps it in turn. The lock names the Trusted Publishers (PEP 751).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLock } from "../../../src/mirror/sync/lockfile.js";
import { sync } from "../../../src/mirror/sync/sync.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { SIMPLE_JSON } from "../../../src/pep/simple-json.js";
import { parseTarget } from "../../../src/pep/target.js";
import { createApp } from "../../../src/serve/app.js";
import { listen } from "../../../src/serve/server.js";
import {
  attestationIdentities,
  attestedFiles,
  collectGarbage,
  provenanceOf,
  removeDistributions,
  type Store,
} from "../../../src/store/index.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { makeProvenance } from "../../helpers/provenance.js";
import { type BuiltDistribution, buildWheel } from "../../helpers/wheels.js";
import { testClient } from "../upstream/helpers.js";
import { freshStore } from "./sync-fixtures.js";

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

let index: FakeIndex;
let app: BuiltDistribution;
let lib: BuiltDistribution;
let plain: BuiltDistribution;
const GITLAB = {
  kind: "GitLab",
  repository: "group/lib",
  workflow_filepath: ".gitlab-ci.yml",
  environment: "release",
};

beforeAll(async () => {
  app = await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib", "plain"] });
  lib = await buildWheel({ name: "lib", version: "2.0" });
  plain = await buildWheel({ name: "plain", version: "1.0" });
  index = await startFakeIndex({
    projects: {
      app: [{ dist: app, provenance: makeProvenance(app) }],
      lib: [{ dist: lib, provenance: makeProvenance(lib, { publisher: GITLAB }) }],
      plain: [{ dist: plain }],
    },
  });
  cleanup.push(() => index.close());
});

const integrity = (d: BuiltDistribution) => `/integrity/${d.filename}/provenance`;

function run(store: Store, options: { dryRun?: boolean; provenance?: boolean; url?: string }) {
  const warnings: string[] = [];
  const result = sync({
    store,
    http: testClient(),
    indexUrls: [options.url ?? index.indexUrl],
    targets: [parseTarget("cp312-manylinux_2_28_x86_64")],
    requirements: [parseRequirement("app")],
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.provenance === false ? { provenance: false } : {}),
    events: { onWarning: (w) => warnings.push(w) },
  });
  return { result, warnings };
}

describe("PEP 740 provenance in sync", () => {
  it.each(["json", "html"] as const)("keeps what a %s page offers, once", async (format) => {
    index.options.format = format;
    const { store } = await freshStore(cleanup);
    const before = index.count(integrity(app));
    const first = run(store, {});
    const { report } = await first.result;
    expect(first.warnings).toEqual([]);
    expect(report.provenance).toEqual({ kept: 2, failed: [] });
    expect(index.count(integrity(app))).toBe(before + 1);
    expect(provenanceOf(store, app.sha256)?.body).toBe(makeProvenance(app));
    expect(provenanceOf(store, lib.sha256)?.publishers).toEqual([
      {
        kind: "GitLab",
        repository: "group/lib",
        workflow: ".gitlab-ci.yml",
        environment: "release",
      },
    ]);
    expect(provenanceOf(store, plain.sha256)).toBeUndefined();
    expect([...attestedFiles(store, "app")]).toEqual([app.sha256]);
    // A second run asks for none again.
    const second = await run(store, {}).result;
    expect(second.report.provenance).toEqual({ kept: 0, failed: [] });
    expect(index.count(integrity(app))).toBe(before + 1);
  });

  it("asks for none in a dry run or with provenance off", async () => {
    index.options.format = "json";
    const { store } = await freshStore(cleanup);
    const before = index.count(integrity(app));
    await run(store, { dryRun: true }).result;
    const off = await run(store, { provenance: false }).result;
    expect(off.report.provenance).toEqual({ kept: 0, failed: [] });
    expect(index.count(integrity(app))).toBe(before);
    expect(provenanceOf(store, app.sha256)).toBeUndefined();
  });

  it("warns about a provenance of another file and stores the file without it", async () => {
    index.options.format = "json";
    const files = index.options.projects!;
    const good = files.lib[0].provenance;
    files.lib[0].provenance = makeProvenance(lib, { subjectSha256: "0".repeat(64) });
    try {
      const { store } = await freshStore(cleanup);
      const { result, warnings } = run(store, {});
      const { report } = await result;
      expect(report.failed).toEqual([]);
      expect(report.targets[0].summary.filesAdded).toBe(3);
      expect(report.provenance.kept).toBe(1);
      expect(report.provenance.failed.map((f) => [f.filename, f.code])).toEqual([
        [lib.filename, "PROVENANCE_MISMATCH"],
      ]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`${lib.filename}: its provenance (PEP 740) was not kept`);
      expect(provenanceOf(store, lib.sha256)).toBeUndefined();
    } finally {
      files.lib[0].provenance = good;
    }
  });

  it("warns when the provenance URL fails, and takes it on the next run", async () => {
    index.options.format = "json";
    const { store } = await freshStore(cleanup);
    index.fail(integrity(lib), { status: 404 });
    const first = run(store, {});
    const { report } = await first.result;
    expect(report.provenance.failed.map((f) => [f.filename, f.code])).toEqual([
      [lib.filename, "HTTP_ERROR"],
    ]);
    expect(first.warnings[0]).toContain(lib.filename);
    const again = await run(store, {}).result;
    expect(again.report.provenance).toEqual({ kept: 1, failed: [] });
  });
});

describe("PEP 740 provenance served and carried on", () => {
  it("serves what was kept, and a wheelhouse syncing from it keeps it too", async () => {
    index.options.format = "json";
    const { store } = await freshStore(cleanup);
    await run(store, {}).result;
    const server = await listen(createApp({ store }), "127.0.0.1", 0);
    cleanup.push(() => server.close());

    const page = await fetch(`${server.url}/simple/app/`, { headers: { Accept: SIMPLE_JSON } });
    const doc = (await page.json()) as {
      meta: { "api-version": string };
      files: { filename: string; url: string; provenance?: string }[];
    };
    expect(doc.meta["api-version"]).toBe("1.3");
    const url = new URL(doc.files[0].provenance!, `${server.url}/simple/app/`).href;
    expect(url).toBe(`${server.url}/files/${app.sha256}/${app.filename}.provenance`);
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("application/vnd.pypi.integrity.v1+json");
    expect(await served.text()).toBe(makeProvenance(app));
    const etag = served.headers.get("etag")!;
    const again = await fetch(url, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);

    const plainPage = (await (
      await fetch(`${server.url}/simple/plain/`, { headers: { Accept: SIMPLE_JSON } })
    ).json()) as { meta: { "api-version": string }; files: { provenance?: string }[] };
    expect(plainPage.meta["api-version"]).toBe("1.1");
    expect(plainPage.files[0].provenance).toBeUndefined();
    const none = await fetch(`${server.url}/files/${plain.sha256}/${plain.filename}.provenance`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { code: string }).code).toBe("PROVENANCE_NOT_FOUND");

    const html = await (await fetch(`${server.url}/simple/lib/`)).text();
    expect(html).toContain(`data-provenance="/files/${lib.sha256}/${lib.filename}.provenance"`);

    // A second wheelhouse mirrors the first one, over HTTP.
    const { store: second } = await freshStore(cleanup);
    const mirrored = await run(second, { url: `${server.url}/simple/` }).result;
    expect(mirrored.report.provenance).toEqual({ kept: 2, failed: [] });
    expect(provenanceOf(second, lib.sha256)?.body).toBe(makeProvenance(lib, { publisher: GITLAB }));
  });

  it("names the Trusted Publishers and the index in a lock, and gc drops a removed file's provenance", async () => {
    index.options.format = "json";
    const { store } = await freshStore(cleanup);
    const { selections } = await run(store, {}).result;
    const lock = buildLock([parseTarget("cp312-manylinux_2_28_x86_64")], selections, {
      identities: (f) => (f.sha256 === undefined ? [] : attestationIdentities(store, f.sha256)),
      indexes: [index.indexUrl],
    });
    const byName = new Map(lock.packages.map((p) => [p.name, p.attestationIdentities]));
    expect(byName.get("app")).toEqual([
      {
        kind: "GitHub",
        repository: "pypa/sampleproject",
        workflow: "release.yml",
        environment: "pypi",
      },
    ]);
    expect(byName.get("lib")).toEqual([GITLAB]);
    expect(byName.get("plain")).toBeUndefined();
    // PEP 751 `index`: where each package's files were found.
    expect(lock.packages.map((p) => p.index)).toEqual([
      index.indexUrl,
      index.indexUrl,
      index.indexUrl,
    ]);

    removeDistributions(store, [{ project: "lib" }]);
    expect(provenanceOf(store, lib.sha256)).toBeUndefined();
    const gc = await collectGarbage(store, { graceMs: 0 });
    expect(gc.removedProvenances).toBe(1);
  });
});
