// PEP 740 provenance across the air gap: an export (and a bundle) carries each kept provenance
// under provenance/, listed with its sha256 in manifest.json; import checks it twice (manifest,
// then the file it is about) before keeping it; a delta carries a provenance the base lacked; a
// provenance about another file, or about a file neither side holds, refuses the whole import.
// The bundle's own checker (install.sh's Python) verifies those members too.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bundleFromStore } from "../../../src/mirror/bundle/bundle.js";
import { exportStore } from "../../../src/mirror/bundle/export.js";
import { importArchive } from "../../../src/mirror/bundle/import.js";
import { CHECK_PY } from "../../../src/mirror/bundle/install-scripts.js";
import { packArchive } from "../../../src/mirror/bundle/pack.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import {
  addPaths,
  closeStore,
  iterateFiles,
  openStore,
  provenanceOf,
  recordProvenance,
  type Store,
} from "../../../src/store/index.js";
import { makeProvenance } from "../../helpers/provenance.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../../helpers/wheels.js";

let dir: string;
let store: Store;
let app: BuiltDistribution;
let lib: BuiltDistribution;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-provenance-"));
  store = await openStore(join(dir, "store"));
  app = await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib"] });
  lib = await buildWheel({ name: "lib", version: "2.0" });
  await mkdir(join(dir, "in"));
  await writeDistributions(join(dir, "in"), [app, lib]);
  await addPaths(store, [join(dir, "in")]);
  recordProvenance(store, app, makeProvenance(app), "https://pypi.org/integrity/app");
});

afterEach(async () => {
  closeStore(store);
  await rm(dir, { recursive: true, force: true });
});

async function otherStore(name: string): Promise<Store> {
  return openStore(join(dir, name));
}

describe("provenance in exports", () => {
  it("carries each kept provenance, and import keeps it", async () => {
    const out = join(dir, "all.tar.gz");
    const { manifest } = await exportStore(store, { output: out, toolVersion: "test" });
    expect(manifest.provenances?.map((p) => [p.path, p.filename])).toEqual([
      [`provenance/${app.filename}.json`, app.filename],
    ]);
    const far = await otherStore("far");
    try {
      const report = await importArchive(far, out);
      expect(report.provenances).toBe(1);
      const kept = provenanceOf(far, app.sha256);
      expect(kept?.body).toBe(makeProvenance(app));
      expect(kept?.source).toBe("import");
      expect(provenanceOf(far, lib.sha256)).toBeUndefined();
    } finally {
      closeStore(far);
    }
  });

  it("a delta carries a provenance its base lacked, for a file the base carried", async () => {
    const base = join(dir, "base.tar.gz");
    await exportStore(store, { output: base, toolVersion: "test" });
    recordProvenance(store, lib, makeProvenance(lib), "https://pypi.org/integrity/lib");
    const delta = join(dir, "delta.tar.gz");
    const { manifest } = await exportStore(store, {
      output: delta,
      since: [base],
      toolVersion: "test",
    });
    expect(manifest.files).toEqual([]);
    expect(manifest.provenances?.map((p) => p.filename)).toEqual([lib.filename]);

    const alone = await otherStore("alone");
    try {
      await expect(importArchive(alone, delta)).rejects.toMatchObject({
        code: "PROVENANCE_WITHOUT_FILE",
        message: expect.stringContaining(lib.filename),
      });
      expect(provenanceOf(alone, lib.sha256)).toBeUndefined();
    } finally {
      closeStore(alone);
    }
    const far = await otherStore("far");
    try {
      await importArchive(far, base);
      expect((await importArchive(far, delta)).provenances).toBe(1);
      expect(provenanceOf(far, lib.sha256)?.body).toBe(makeProvenance(lib));
    } finally {
      closeStore(far);
    }
  });

  it("refuses an archive whose provenance is about another file, importing nothing", async () => {
    const out = join(dir, "bad.tar.gz");
    const files = [...iterateFiles(store)];
    await packArchive(
      store,
      out,
      { kind: "export", tool: { name: "wheelhouse", version: "test" }, inputs: {}, targets: [] },
      [],
      files,
      [{ filename: lib.filename, body: makeProvenance(app) }],
    );
    const far = await otherStore("far");
    try {
      await expect(importArchive(far, out)).rejects.toMatchObject({
        code: "PROVENANCE_MISMATCH",
        message: expect.stringContaining(`provenance/${lib.filename}.json`),
      });
      expect([...iterateFiles(far)]).toEqual([]);
    } finally {
      closeStore(far);
    }
  });
});

describe("provenance in bundles", () => {
  it("carries it, names the publisher in pylock.toml, and the checker verifies it", async () => {
    const out = join(dir, "app.tar.gz");
    const { manifest } = await bundleFromStore(store, {
      output: out,
      requirements: [parseRequirement("app")],
      targets: [parseTarget("cp311-manylinux_2_28_x86_64")],
      toolVersion: "test",
    });
    expect(manifest.provenances?.map((p) => p.filename)).toEqual([app.filename]);
    const unpacked = join(dir, "unpacked");
    await mkdir(unpacked);
    execFileSync("tar", ["xzf", out, "-C", unpacked]);
    // Read back by Python's own TOML parser.
    const identities = execFileSync(
      "python3",
      [
        "-c",
        "import json,sys,tomllib;l=tomllib.load(open(sys.argv[1],'rb'));print(json.dumps({p['name']:p.get('attestation-identities') for p in l['packages']}))",
        join(unpacked, "pylock.toml"),
      ],
      { encoding: "utf8" },
    );
    expect(JSON.parse(identities)).toEqual({
      app: [
        {
          kind: "GitHub",
          repository: "pypa/sampleproject",
          workflow: "release.yml",
          environment: "pypi",
        },
      ],
      lib: null,
    });
    execFileSync("python3", ["-c", CHECK_PY, unpacked], { encoding: "utf8" });
    // A changed provenance fails the checker.
    execFileSync("sh", [
      "-c",
      `echo ' ' >> "$1"`,
      "sh",
      join(unpacked, "provenance", `${app.filename}.json`),
    ]);
    expect(() =>
      execFileSync("python3", ["-c", CHECK_PY, unpacked], { encoding: "utf8", stdio: "pipe" }),
    ).toThrow(/provenance\//);
  });
});
