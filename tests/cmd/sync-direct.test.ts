// A requirements file with a direct reference (`plugin @ https://host/plugin-0.5-...whl#sha256=`)
// through the built CLI, connected side to air-gapped side: `sync -r` stores the file (from its
// host, which no index lists) with its dependencies from the index; `install -r` of the same
// file, offline, takes it from the store by its name and the real `pip freeze` names the URL;
// `bundle -r` carries it; sync takes a wheel's path as an argument, as `pip download` does.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, wheelhouse } from "../helpers/cli.js";
import { type FakeIndex, startFakeIndex } from "../helpers/fake-index.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../helpers/wheels.js";
import { freshVenv, nameVersions, report, runInstall } from "./install-cli.js";

let root: string;
let index: FakeIndex;
let host: FakeIndex;
let plugin: BuiltDistribution;
let reqs: string;
let url: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-sync-direct-"));
  plugin = await buildWheel({ name: "plugin", version: "0.5", requiresDist: ["util>=1"] });
  index = await startFakeIndex({
    projects: {
      util: [{ dist: await buildWheel({ name: "util", version: "1.2" }) }],
      plugin: [{ dist: await buildWheel({ name: "plugin", version: "9.0" }) }],
    },
  });
  host = await startFakeIndex({ projects: { plugin: [{ dist: plugin }] } });
  url = `${host.origin}${host.filePath(plugin.filename)}`;
  reqs = join(root, "requirements.txt");
  writeFileSync(reqs, `plugin @ ${url}#sha256=${plugin.sha256}\nutil\n`);
});
afterAll(async () => {
  await index?.close();
  await host?.close();
  rmSync(root, { recursive: true, force: true });
});

const sync = (args: string[]) =>
  wheelhouse(["sync", "--index-url", index.indexUrl, "--json", ...args], {
    ...process.env,
    XDG_DATA_HOME: join(root, "xdg"),
  });

function packagesOf(stdout: string): string[] {
  const out = JSON.parse(stdout) as {
    targets: { packages: { name: string; version: string; files: { url: string }[] }[] }[];
  };
  return out.targets[0].packages.map((p) => `${p.name} ${p.version} ${p.files[0].url}`);
}

describe("a direct reference from the connected side to the air-gapped one", () => {
  it("syncs it, installs it offline from the same requirements file, and bundles it", async () => {
    const store = join(root, "store");
    const synced = await sync(["--store", store, "-r", reqs, "--lock", join(root, "pylock.toml")]);
    expect(synced.code, synced.stderr).toBe(0);
    expect(packagesOf(synced.stdout)).toEqual([
      `plugin 0.5 ${url}`,
      `util 1.2 ${index.origin}${index.filePath("util-1.2-py3-none-any.whl")}`,
    ]);

    // The air-gapped side: the same requirements file, nothing but the store.
    await host.close();
    const venv = freshVenv(root);
    // pip's installation report (asked before installing) says it is a direct reference.
    const installation = join(root, "report.json");
    const done = report(
      await runInstall(root, [
        ...["--venv", venv, "--store", store, "-r", reqs, "--json", "--report", installation],
      ]),
    );
    const reported = JSON.parse(readFileSync(installation, "utf8")).install as {
      download_info: { url: string };
      is_direct: boolean;
      metadata: { name: string };
    }[];
    expect(reported.map((e) => [e.metadata.name, e.is_direct, e.download_info.url])).toEqual([
      ["plugin", true, url],
      ["util", false, expect.stringMatching(/^file:/)],
    ]);
    expect(nameVersions(done.installed)).toEqual(["plugin 0.5", "util 1.2"]);
    const freeze = execFileSync(
      "python3",
      ["-m", "pip", "--python", join(venv, "bin", "python"), "freeze"],
      { encoding: "utf8", env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" } },
    );
    expect(freeze).toContain(`plugin @ ${url}#sha256=${plugin.sha256}\n`);

    const bundle = join(root, "b.tar.gz");
    const bundled = await wheelhouse(["bundle", "--store", store, "-r", reqs, "-o", bundle]);
    expect(bundled.code, bundled.stderr).toBe(0);
    const listed = await runProcess("tar", ["tzf", bundle]);
    expect(listed.stdout).toContain(`wheels/${plugin.filename}`);
    const lock = await runProcess("tar", ["xzOf", bundle, "pylock.toml"]);
    expect(lock.stdout).toContain(`path = "wheels/${plugin.filename}"`);
    expect(lock.stdout).not.toContain("archive");
  }, 120_000);

  it("takes a wheel's path as an argument", async () => {
    const dir = join(root, "dl");
    mkdirSync(dir);
    await writeDistributions(dir, [plugin]);
    const store = join(root, "store-path");
    const synced = await sync(["--store", store, join(dir, plugin.filename)]);
    expect(synced.code, synced.stderr).toBe(0);
    expect(packagesOf(synced.stdout)[0]).toMatch(
      /^plugin 0\.5 file:\/\/.*plugin-0\.5-py3-none-any\.whl$/,
    );
  });
});
