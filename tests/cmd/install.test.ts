// `wheelhouse install` through the built CLI (`node dist/cli/wheelhouse.cjs`, built by
// `npx tsc -p tsconfig.build.json`) into real venvs, from generated wheels in find-links dirs:
// venv creation, kept/--upgrade/--force-reinstall/--no-deps/--dry-run, --json, exit codes and
// the summary on a non-terminal. Sources (store, URL), PEP 668, hashes and sdists: install-sources.test.ts.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";
import { listTree } from "../mirror/install/env.js";
import {
  distInfos,
  freshVenv as makeFresh,
  nameVersions,
  report,
  runInstall,
  SUMMARY,
  sitePackages,
} from "./install-cli.js";

let root: string;
/** app 1.0 (console script `app`, needs lib>=2) and lib 2.0. */
let links1: string;
/** app 2.0 (no script, one more module) and lib 2.1. */
let links2: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-install-"));
  links1 = join(root, "links1");
  links2 = join(root, "links2");
  mkdirSync(links1);
  mkdirSync(links2);
  await writeDistributions(links1, [
    await buildWheel({
      name: "app",
      version: "1.0",
      requiresDist: ["lib>=2"],
      files: { "app/__init__.py": "def main():\n    print('app 1.0 ran')\n" },
      entryPoints: "[console_scripts]\napp = app:main\n",
    }),
    await buildWheel({ name: "lib", version: "2.0" }),
  ]);
  await writeDistributions(links2, [
    await buildWheel({
      name: "app",
      version: "2.0",
      requiresDist: ["lib>=2"],
      files: { "app/__init__.py": "", "app/new.py": "NEW = True\n" },
    }),
    await buildWheel({ name: "lib", version: "2.1" }),
  ]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const install = (args: string[]) => runInstall(root, args);
const freshVenv = () => makeFresh(root);
const names = nameVersions;

describe("wheelhouse install --venv", () => {
  it("creates a missing venv, installs into it, and keeps what is there on a second run", async () => {
    const venv = join(root, "created");
    const first = await install(["--venv", venv, "--no-store", "-f", links1, "app"]);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(venv, "pyvenv.cfg"))).toBe(true);
    expect(distInfos(venv)).toEqual(["app-1.0.dist-info", "lib-2.0.dist-info"]);
    const site = sitePackages(venv);
    expect(readFileSync(join(site, "app-1.0.dist-info", "INSTALLER"), "utf8").trim()).toBe(
      "wheelhouse",
    );
    // REQUESTED only for what was asked for, not for the dependency.
    expect(existsSync(join(site, "app-1.0.dist-info", "REQUESTED"))).toBe(true);
    expect(existsSync(join(site, "lib-2.0.dist-info", "REQUESTED"))).toBe(false);
    expect(execFileSync(join(venv, "bin", "app"), { encoding: "utf8" })).toBe("app 1.0 ran\n");
    expect(first.stdout).toMatch(/^installed app 1\.0$/m);

    const second = await install(["--venv", venv, "--no-store", "-f", links1, "app"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim()).toMatch(SUMMARY);
    expect(second.stdout.trim()).toMatch(/^0 installed, 2 kept, 0 removed /);
  });

  it("keeps an installed version without --upgrade, replaces it by its RECORD with it", async () => {
    const venv = freshVenv();
    const site = sitePackages(venv);
    report(await install(["--venv", venv, "--no-store", "-f", links1, "app", "--json"]));
    expect(existsSync(join(venv, "bin", "app"))).toBe(true);

    const kept = report(
      await install(["--venv", venv, "--no-store", "-f", links1, "-f", links2, "app", "--json"]),
    );
    expect(kept.installed).toEqual([]);
    expect(names(kept.kept)).toEqual(["app 1.0", "lib 2.0"]);

    const up = report(
      await install([
        "--venv",
        venv,
        "--no-store",
        "-f",
        links1,
        "-f",
        links2,
        "-U",
        "app",
        "--json",
      ]),
    );
    // pip's default upgrade strategy (only-if-needed): lib 2.0 still satisfies lib>=2.
    expect(names(up.installed)).toEqual(["app 2.0"]);
    expect(names(up.removed)).toEqual(["app 1.0"]);
    expect(names(up.kept)).toEqual(["lib 2.0"]);
    expect(distInfos(venv)).toEqual(["app-2.0.dist-info", "lib-2.0.dist-info"]);
    // The old version's files are gone (its launcher too), the new one's are there.
    expect(existsSync(join(venv, "bin", "app"))).toBe(false);
    expect(readFileSync(join(site, "app", "__init__.py"), "utf8")).toBe("");
    expect(existsSync(join(site, "app", "new.py"))).toBe(true);
    const python = join(venv, "bin", "python");
    expect(
      execFileSync(python, ["-c", "import app.new; print(app.new.NEW)"], { encoding: "utf8" }),
    ).toBe("True\n");
  });

  it("--upgrade-strategy eager upgrades the dependencies too", async () => {
    const venv = freshVenv();
    report(await install(["--venv", venv, "--no-store", "-f", links1, "app", "--json"]));
    const up = report(
      await install([
        "--venv",
        venv,
        "--no-store",
        "-f",
        links1,
        "-f",
        links2,
        "-U",
        "--upgrade-strategy",
        "eager",
        "app",
        "--json",
      ]),
    );
    expect(names(up.installed)).toEqual(["app 2.0", "lib 2.1"]);
    expect(names(up.removed)).toEqual(["app 1.0", "lib 2.0"]);
    expect(distInfos(venv)).toEqual(["app-2.0.dist-info", "lib-2.1.dist-info"]);
    const bad = await install([
      "--venv",
      venv,
      "--no-store",
      "-f",
      links1,
      "-U",
      "--upgrade-strategy",
      "lazy",
      "app",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--upgrade-strategy "lazy"');
  });

  it("--force-reinstall rewrites the same version; --no-deps installs only what was named", async () => {
    const venv = freshVenv();
    const site = sitePackages(venv);
    const only = report(
      await install(["--venv", venv, "--no-store", "-f", links1, "--no-deps", "app", "--json"]),
    );
    expect(names(only.installed)).toEqual(["app 1.0"]);
    expect(distInfos(venv)).toEqual(["app-1.0.dist-info"]);

    await writeFile(join(site, "app", "__init__.py"), "damaged = True\n");
    const again = report(
      await install([
        "--venv",
        venv,
        "--no-store",
        "-f",
        links1,
        "--force-reinstall",
        "app",
        "--json",
      ]),
    );
    expect(names(again.installed)).toEqual(["app 1.0", "lib 2.0"]);
    expect(names(again.removed)).toEqual(["app 1.0"]);
    expect(readFileSync(join(site, "app", "__init__.py"), "utf8")).toContain("app 1.0 ran");
    expect(distInfos(venv)).toEqual(["app-1.0.dist-info", "lib-2.0.dist-info"]);
  });

  it("--dry-run reports and changes nothing", async () => {
    const venv = freshVenv();
    report(await install(["--venv", venv, "--no-store", "-f", links1, "app==1.0", "--json"]));
    const before = listTree(venv);
    const text = await install([
      "--venv",
      venv,
      "--no-store",
      "-f",
      links2,
      "-f",
      links1,
      "-U",
      "app",
      "--dry-run",
    ]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trim().split("\n");
    expect(lines.slice(0, -1).sort()).toEqual(["would install app 2.0"]);
    expect(lines.at(-1)).toMatch(/^1 would install, 1 kept, 1 would be removed in /);
    const json = report(
      await install([
        "--venv",
        venv,
        "--no-store",
        "-f",
        links2,
        "-f",
        links1,
        "-U",
        "app",
        "--dry-run",
        "--json",
      ]),
    );
    expect(json.dryRun).toBe(true);
    expect(names(json.installed)).toEqual(["app 2.0"]);
    expect(names(json.removed)).toEqual(["app 1.0"]);
    expect(listTree(venv)).toEqual(before);

    // A --venv that does not exist yet is not made by a dry run; the answer is for a new venv.
    const planned = join(root, "planned-venv");
    const fresh = report(
      await install([
        "--venv",
        planned,
        "--no-store",
        "-f",
        links1,
        "app==1.0",
        "--dry-run",
        "--json",
      ]),
    );
    expect(names(fresh.installed).sort()).toContain("app 1.0");
    expect(fresh.kept).toEqual([]);
    expect(existsSync(planned)).toBe(false);
  });

  it("--json prints one report of the documented shape", async () => {
    const venv = freshVenv();
    const ran = await install(["--venv", venv, "--no-store", "-f", links1, "app", "--json"]);
    const r = report(ran);
    expect(ran.stderr).toBe(""); // no progress lines with --json
    expect(Object.keys(r).sort()).toEqual(
      [
        "compiled",
        "dryRun",
        "environment",
        "installed",
        "kept",
        "removed",
        "scripts",
        "seconds",
      ].sort(),
    );
    expect(r.dryRun).toBe(false);
    expect(r.environment).toBe(venv);
    expect(r.installed).toEqual(
      expect.arrayContaining([
        { name: "app", version: "1.0", filename: "app-1.0-py3-none-any.whl", source: links1 },
        { name: "lib", version: "2.0", filename: "lib-2.0-py3-none-any.whl", source: links1 },
      ]),
    );
    expect(r.installed).toHaveLength(2);
    expect(r.kept).toEqual([]);
    expect(r.removed).toEqual([]);
    expect(r.compiled).toBe(0);
    // app's console script, in the venv's bin: no warning about PATH (stderr is empty above).
    expect(r.scripts).toEqual([join(venv, "bin", "app")]);
    expect(r.seconds).toBeGreaterThan(0);
  });

  it("prints a newer Wheel-Version's warning on stderr, with --json too", async () => {
    const links = join(root, "links-wheel-version");
    mkdirSync(links);
    await writeDistributions(links, [
      await buildWheel({ name: "newer", version: "1.0", wheelVersion: "1.9" }),
    ]);
    const ran = await install([
      "--venv",
      freshVenv(),
      "--no-store",
      "-f",
      links,
      "newer",
      "--json",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(
      /^warning: .*"newer-1\.0-py3-none-any\.whl" has Wheel-Version "1\.9"/m,
    );
    expect(report(ran).installed).toHaveLength(1);
  });
});

describe("wheelhouse install: exit codes and output", () => {
  let venv: string;
  beforeAll(() => {
    venv = freshVenv();
  });

  it("exits 1 with the resolver's explanation when nothing satisfies a requirement", async () => {
    const before = listTree(venv);
    const ran = await install(["--venv", venv, "--no-store", "-f", links1, "-f", links2, "app>=3"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^error: .*app>=3/m);
    // Says what it found and why each file does not fit.
    expect(ran.stderr).toContain("app-2.0-py3-none-any.whl");
    expect(ran.stderr).toContain("app-1.0-py3-none-any.whl");
    expect(ran.stdout).toBe("");
    expect(listTree(venv)).toEqual(before);
  });

  it("exits 1 when a dependency has no source, naming it", async () => {
    const onlyApp = join(root, "only-app");
    mkdirSync(onlyApp);
    await writeDistributions(onlyApp, [
      await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib>=2"] }),
    ]);
    const ran = await install(["--venv", venv, "--no-store", "-f", onlyApp, "app"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^error: .*\blib\b/m);
  });

  it.each([
    ["an unknown flag", ["--bogus", "app"]],
    ["no requirements", []],
    ["a flag without its value", ["--find-links"]],
    ["a requirements file that does not exist", ["-r", "no-such-file.txt"]],
  ])("exits 2 on %s", async (_what, args) => {
    const ran = await install(["--venv", venv, "--no-store", ...args]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/error/);
  });

  it("checks its options before it makes the venv: a bad value leaves no new folder", async () => {
    const fresh = join(root, "venv-never-made");
    const ran = await install([
      "--venv",
      fresh,
      "--no-store",
      "--upgrade-strategy",
      "bogus",
      "app",
    ]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('"bogus"');
    expect(existsSync(fresh)).toBe(false);
  });

  it("refuses a --store that is not there instead of making an empty one", async () => {
    const typo = join(root, "no-such-store");
    const ran = await install(["--venv", venv, "--store", typo, "-f", links1, "app"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`there is no store at "${typo}"`);
    expect(existsSync(typo)).toBe(false);
  });

  it("exits 1 naming the interpreter when --python does not exist", async () => {
    const ran = await install(["--python", join(root, "no-such-python"), "--no-store", "app"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("no-such-python");
  });

  it("prints one summary line (installed, kept, removed, time) and no terminal codes off a TTY", async () => {
    const ran = await install(["--venv", venv, "--no-store", "-f", links1, "app"]);
    expect(ran.code, ran.stderr).toBe(0);
    const summaries = ran.stdout.split("\n").filter((l) => SUMMARY.test(l));
    expect(summaries).toHaveLength(1);
    const [, installed, kept, removed, , env] = SUMMARY.exec(summaries[0]) ?? [];
    expect([installed, kept, removed, env]).toEqual(["2", "0", "0", venv]);
    expect(ran.stdout.trim().split("\n").at(-1)).toBe(summaries[0]);
    expect(`${ran.stdout}${ran.stderr}`).not.toMatch(/[\r\x1b]/);
  });
});
