// `wheelhouse install ./file.whl`, `name @ file:///...`, `name @ https://...` and path lines in
// requirements files (direct references), with pip as the judge: that file and only it is
// installed for its project (never a newer one from the store or --find-links; a URL's file is
// found there by its name, never downloaded), dependencies still come from the sources,
// direct_url.json (PEP 610) makes `pip freeze` say `name @ <the reference>`, the same
// version installed is kept, hashes are checked, and every bad reference fails naming itself,
// leaving the venv as it was.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wheelhouse } from "../helpers/cli.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";
import { listTree } from "../mirror/install/env.js";
import { freshVenv, nameVersions, report, runInstall, sitePackages } from "./install-cli.js";

let root: string;
let links: string;
let picked: string;
let store: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-install-direct-"));
  links = join(root, "links");
  picked = join(root, "picked");
  store = join(root, "store");
  mkdirSync(links);
  mkdirSync(picked);
  // app 2.0 is in the store and in links; app 1.0 only in picked/, named by path.
  const newer = await buildWheel({ name: "app", version: "2.0", requiresDist: ["lib"] });
  await writeDistributions(links, [newer, await buildWheel({ name: "lib", version: "1.0" })]);
  await writeDistributions(picked, [
    await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib"] }),
  ]);
  const added = await wheelhouse(["add", "--store", store, links]);
  expect(added.code, added.stderr).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const APP1 = "app-1.0-py3-none-any.whl";
const install = (args: string[]) => runInstall(root, args);

/** `pip freeze` of the venv, by the real pip, without pip's own lines. */
function pipFreeze(venv: string): string[] {
  return execFileSync(
    "python3",
    ["-m", "pip", "--python", join(venv, "bin", "python"), "freeze", "--all"],
    { encoding: "utf8", env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" } },
  )
    .trim()
    .split("\n")
    .filter((l) => !/^(pip|setuptools)[= ]/.test(l));
}

describe("install takes files named by requirements", () => {
  it("installs the file a path names, and only it, with dependencies from the sources", async () => {
    const venv = freshVenv(root);
    const done = report(
      await install(["--venv", venv, "--store", store, join(picked, APP1), "--json"]),
    );
    expect(nameVersions(done.installed)).toEqual(["app 1.0", "lib 1.0"]);
    expect(done.installed.find((p) => p.name === "app")?.source).toBe(join(picked, APP1));
    const url = pathToFileURL(join(picked, APP1)).href;
    expect(
      JSON.parse(
        readFileSync(join(sitePackages(venv), "app-1.0.dist-info", "direct_url.json"), "utf8"),
      ),
    ).toEqual({ url, archive_info: {} });
    expect(readFileSync(join(sitePackages(venv), "app-1.0.dist-info", "RECORD"), "utf8")).toMatch(
      /^app-1\.0\.dist-info\/direct_url\.json,sha256=[\w-]+,\d+$/m,
    );
    expect(pipFreeze(venv)).toEqual([`app @ ${url}`, "lib==1.0"]);
    // The same version installed is kept (pip: "already installed with the same version").
    const again = report(
      await install(["--venv", venv, "--store", store, `app @ ${url}`, "--json"]),
    );
    expect(again.installed).toEqual([]);
    expect(nameVersions(again.kept)).toEqual(["app 1.0", "lib 1.0"]);
    // A plain requirement afterwards upgrades from the sources as usual.
    const upgraded = report(
      await install(["--venv", venv, "--store", store, "-U", "app", "--json"]),
    );
    expect(nameVersions(upgraded.installed)).toEqual(["app 2.0"]);
    expect(pipFreeze(venv)).toEqual(["app==2.0", "lib==1.0"]);
  });

  it("takes the file an https URL names from the store, by its name, and records the URL", async () => {
    const url = "https://files.example.test/releases/app-2.0-py3-none-any.whl";
    const venv = freshVenv(root);
    const done = report(
      await install(["--venv", venv, "--store", store, `app @ ${url}`, "--json"]),
    );
    expect(nameVersions(done.installed)).toEqual(["app 2.0", "lib 1.0"]);
    expect(done.installed.find((p) => p.name === "app")?.source).toBe("store");
    // pip writes the recorded hash into the reference, as for any archive it knows the hash of.
    const sha = createHash("sha256")
      .update(readFileSync(join(links, "app-2.0-py3-none-any.whl")))
      .digest("hex");
    expect(pipFreeze(venv)).toEqual([`app @ ${url}#sha256=${sha}`, "lib==1.0"]);

    // The URL's #sha256= is checked against the file found.
    const other = freshVenv(root);
    const before = listTree(other);
    const wrong = "0".repeat(64);
    const failed = await install([
      "--venv",
      other,
      "--store",
      store,
      `app @ ${url}#sha256=${wrong}`,
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/app-2\.0-py3-none-any\.whl/);
    expect(failed.stderr).toContain(wrong);
    expect(listTree(other)).toEqual(before);
  });

  it("takes a path line of a requirements file from that file's folder, with its --hash", async () => {
    const venv = freshVenv(root);
    const sha = createHash("sha256")
      .update(readFileSync(join(picked, APP1)))
      .digest("hex");
    const libSha = createHash("sha256")
      .update(readFileSync(join(links, "lib-1.0-py3-none-any.whl")))
      .digest("hex");
    const reqs = join(root, "reqs.txt");
    writeFileSync(
      reqs,
      `./picked/${APP1} --hash=sha256:${sha}\nlib==1.0 --hash=sha256:${libSha}\n`,
    );
    const done = report(
      await install(["--venv", venv, "--no-store", "-f", links, "-r", reqs, "--json"]),
    );
    expect(nameVersions(done.installed)).toEqual(["app 1.0", "lib 1.0"]);
    const recorded = JSON.parse(
      readFileSync(join(sitePackages(venv), "app-1.0.dist-info", "direct_url.json"), "utf8"),
    );
    expect(recorded.archive_info).toEqual({ hash: `sha256=${sha}`, hashes: { sha256: sha } });

    const wrong = join(root, "wrong.txt");
    writeFileSync(
      wrong,
      `./picked/${APP1} --hash=sha256:${"0".repeat(64)}\nlib==1.0 --hash=sha256:${libSha}\n`,
    );
    const other = freshVenv(root);
    const before = listTree(other);
    const failed = await install(["--venv", other, "--no-store", "-f", links, "-r", wrong]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(APP1);
    expect(failed.stderr).toContain(sha);
    expect(listTree(other)).toEqual(before);
  });

  it("refuses what is not a local distribution of the named project, changing nothing", async () => {
    const venv = freshVenv(root);
    const before = listTree(venv);
    const cases: [string, RegExp][] = [
      [
        join(picked, "app-9.0-py3-none-any.whl"),
        /^error: requirement "app @ .*app-9\.0-py3-none-any\.whl" names ".*", which does not exist$/m,
      ],
      [
        `lib @ ${pathToFileURL(join(picked, APP1)).href}`,
        /^error: requirement "lib @ file:.*": the requirement names "lib", but "app-1\.0-py3-none-any\.whl" is a distribution of "app"$/m,
      ],
      [
        "app @ https://files.example.test/app-1.0-py3-none-any.whl",
        /^error: requirement "app @ https:.*" names "app-1\.0-py3-none-any\.whl", which the --find-links locations do not hold \(no URL is downloaded here\)$/m,
      ],
      // A directory is a source tree (install-source-tree.test.ts), and picked/ holds no project.
      [
        `app @ ${pathToFileURL(picked).href}`,
        /^error: requirement "app @ file:.*": directory ".*picked" does not appear to be a Python project/m,
      ],
      ["app @ git+https://example.test/app.git", /version-control reference/],
      ["./picked", /^error: requirement "\.\/picked" names ".*picked", which does not exist$/m],
    ];
    for (const [requirement, expected] of cases) {
      const ran = await install(["--venv", venv, "--no-store", "-f", links, requirement]);
      expect(ran.code, requirement).toBe(1);
      expect(ran.stderr).toMatch(expected);
    }
    expect(listTree(venv)).toEqual(before);
  });
});
