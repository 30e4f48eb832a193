// `wheelhouse install` through the built CLI: what the request is made of (requirements files
// with relative -f lines, constraints, extras, --only-binary), --compile, a venv that cannot
// be created, and pip's index flags (--no-index taken, an index URL refused).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSdist, buildWheel, writeDistributions } from "../helpers/wheels.js";
import {
  freshVenv as makeFresh,
  nameVersions,
  report,
  runInstall,
  SUMMARY,
  sitePackages,
} from "./install-cli.js";

let root: string;
/** app 1.0 (needs lib>=2), lib 2.0 and 2.1, tool 1.0 (extra "cli" needs helper), helper 1.0. */
let links: string;
/** Only an sdist of src-only 1.0. */
let sdists: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-install-in-"));
  links = join(root, "wheels");
  sdists = join(root, "sdists");
  mkdirSync(links);
  mkdirSync(sdists);
  await writeDistributions(links, [
    await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib>=2"] }),
    await buildWheel({ name: "lib", version: "2.0" }),
    await buildWheel({ name: "lib", version: "2.1" }),
    await buildWheel({
      name: "tool",
      version: "1.0",
      providesExtra: ["cli"],
      requiresDist: ['helper>=1; extra == "cli"'],
      files: { "tool/__init__.py": "", "tool/core.py": "X = 1\n" },
    }),
    await buildWheel({ name: "helper", version: "1.0" }),
  ]);
  await writeDistributions(sdists, [await buildSdist({ name: "src-only", version: "1.0" })]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const install = (args: string[]) => runInstall(root, args);
const freshVenv = () => makeFresh(root);

describe("install's request", () => {
  it("reads -r files with -f lines relative to the file, and -c constraints", async () => {
    const dir = join(root, "reqs");
    mkdirSync(dir);
    writeFileSync(join(dir, "requirements.txt"), "-f ../wheels\napp\n");
    writeFileSync(join(dir, "constraints.txt"), "lib<2.1\n");
    const venv = freshVenv();
    const free = report(
      await install([
        "--venv",
        venv,
        "--no-store",
        "-r",
        join(dir, "requirements.txt"),
        "--dry-run",
        "--json",
      ]),
    );
    expect(nameVersions(free.installed)).toEqual(["app 1.0", "lib 2.1"]);
    const constrained = report(
      await install([
        "--venv",
        venv,
        "--no-store",
        "-r",
        join(dir, "requirements.txt"),
        "-c",
        join(dir, "constraints.txt"),
        "--json",
      ]),
    );
    expect(nameVersions(constrained.installed)).toEqual(["app 1.0", "lib 2.0"]);
    expect(constrained.installed.every((p) => p.source === links)).toBe(true);
  });

  it("reads local HTML pages of links given to -f, or found in a -f folder, as pip does", async () => {
    const pages = join(root, "pages");
    mkdirSync(join(pages, "folder"), { recursive: true });
    const body = ["app-1.0-py3-none-any.whl", "lib-2.0-py3-none-any.whl"]
      .map((f) => `<a href="../wheels/${f}">${f}</a>`)
      .join("\n");
    writeFileSync(join(pages, "links.html"), body);
    writeFileSync(
      join(pages, "folder", "index.html"),
      body.replaceAll("../wheels/", "../../wheels/"),
    );
    for (const source of [join(pages, "links.html"), join(pages, "folder")]) {
      const ran = await install([
        "--venv",
        freshVenv(),
        "--no-store",
        "-f",
        source,
        "app",
        "--json",
      ]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(nameVersions(report(ran).installed)).toEqual(["app 1.0", "lib 2.0"]);
    }
  });

  it("reads a UTF-16 requirements file with a BOM (PowerShell's pip freeze > file), as pip does", async () => {
    const dir = join(root, "reqs-utf16");
    mkdirSync(dir);
    const text = "-f ../wheels\r\napp\r\n";
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    writeFileSync(join(dir, "requirements.txt"), utf16);
    const ran = await install([
      "--venv",
      freshVenv(),
      "--no-store",
      "-r",
      join(dir, "requirements.txt"),
      "--dry-run",
      "--json",
    ]);
    expect(nameVersions(report(ran).installed)).toEqual(["app 1.0", "lib 2.1"]);
  });

  it("installs an extra's dependencies only when the extra is asked for", async () => {
    const venv = freshVenv();
    const plain = report(
      await install(["--venv", venv, "--no-store", "-f", links, "tool", "--json"]),
    );
    expect(nameVersions(plain.installed)).toEqual(["tool 1.0"]);
    const extra = report(
      await install(["--venv", venv, "--no-store", "-f", links, "tool[cli]", "--json"]),
    );
    expect(nameVersions(extra.installed)).toEqual(["helper 1.0"]);
    expect(nameVersions(extra.kept)).toEqual(["tool 1.0"]);
  });

  it("--only-binary :all: refuses an sdist and says so", async () => {
    const ran = await install([
      "--venv",
      freshVenv(),
      "--no-store",
      "-f",
      sdists,
      "--only-binary",
      ":all:",
      "src-only",
    ]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/src_only-1\.0\.tar\.gz: .*--only-binary/);
  });
});

describe("install --compile", () => {
  it("byte-compiles what it installed, records the .pyc files and counts them in the summary", async () => {
    const venv = freshVenv();
    const ran = await install(["--venv", venv, "--no-store", "-f", links, "tool", "--compile"]);
    expect(ran.code, ran.stderr).toBe(0);
    const summary = ran.stdout.trim().split("\n").at(-1) ?? "";
    const [, installed, , , compiled] = SUMMARY.exec(summary) ?? [];
    expect([installed, compiled]).toEqual(["1", "2"]);
    const site = sitePackages(venv);
    const record = readFileSync(join(site, "tool-1.0.dist-info", "RECORD"), "utf8");
    const pycs = record
      .split("\n")
      .map((l) => l.split(",")[0])
      .filter((p) => p.endsWith(".pyc"));
    expect(pycs.sort()).toEqual([
      expect.stringMatching(/^tool\/__pycache__\/__init__\.[a-z]+-\d+\.pyc$/),
      expect.stringMatching(/^tool\/__pycache__\/core\.[a-z]+-\d+\.pyc$/),
    ]);
    for (const p of pycs) expect(existsSync(join(site, p))).toBe(true);
  });
});

describe("install --venv that cannot be created", () => {
  it("exits 1 naming the directory, with venv's own complaint as the hint", async () => {
    const blocker = join(root, "a-file");
    writeFileSync(blocker, "not a directory\n");
    const ran = await install(["--venv", blocker, "--no-store", "-f", links, "app"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^error: could not create a venv in ".*a-file"/m);
    expect(ran.stderr).toMatch(/^hint: .*a-file/m);
  });
});

describe("install with pip's index flags", () => {
  it("takes --no-index, as pip's command lines carry it, and refuses an index URL with what to do instead (exit 2)", async () => {
    const ok = await runInstall(root, [
      "--venv",
      freshVenv(),
      "--no-index",
      "--find-links",
      links,
      "lib",
      "--json",
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(nameVersions(report(ok).installed)).toEqual(["lib 2.1"]);
    const venv = join(root, "not-made");
    for (const flag of ["-i", "--index-url", "--extra-index-url"]) {
      const refused = await runInstall(root, [
        "--venv",
        venv,
        flag,
        "https://pypi.org/simple/",
        "lib",
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        'error: install never reads an index, so "https://pypi.org/simple/" (--index-url / --extra-index-url) is refused',
      );
      expect(refused.stderr).toMatch(/^hint: .*wheelhouse sync -i URL/m);
    }
    expect(existsSync(venv)).toBe(false);
  });

  it("-q prints only warnings and errors; --no-cache-dir is taken", async () => {
    const quiet = await runInstall(root, [
      "--venv",
      freshVenv(),
      "-q",
      "--no-cache-dir",
      "--no-index",
      "-f",
      links,
      "app",
    ]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe("");
    expect(quiet.stderr).toBe("");
    const failed = await runInstall(root, ["--venv", freshVenv(), "-q", "-f", links, "ghost"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: No matching distribution for ghost/m);
  });
});
