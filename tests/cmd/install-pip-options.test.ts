// pip's install options beyond the list, through the built CLI, so that pip command lines
// work unchanged: --root (a DESTDIR), --break-system-packages (PEP 668), -I/--ignore-installed,
// --ignore-requires-python, --no-binary and --prefer-binary (also as requirements-file lines),
// --no-build-isolation reaching the offline `pip wheel`, and pip's cosmetic flags taken.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSdist, buildWheel, writeDistributions } from "../helpers/wheels.js";
import { listTree } from "../mirror/install/env.js";
import {
  freshVenv,
  nameVersions,
  pythonCopy,
  report,
  runInstall,
  sitePackages,
} from "./install-cli.js";

let root: string;
let links: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-install-pip-"));
  links = join(root, "links");
  mkdirSync(links);
  await writeDistributions(links, [
    await buildWheel({
      name: "tool",
      version: "1.0",
      files: { "tool/__init__.py": "def main():\n    print('tool ran')\n" },
      entryPoints: "[console_scripts]\ntool = tool:main\n",
    }),
    await buildWheel({ name: "future", version: "1.0", requiresPython: ">=4" }),
    // lib: 2.0 only as an sdist (its PKG-INFO binds its dependencies), 1.0 as a wheel too.
    await buildSdist({ name: "lib", version: "2.0", metadataVersion: "2.2" }),
    await buildSdist({ name: "lib", version: "1.0", metadataVersion: "2.2" }),
    await buildWheel({ name: "lib", version: "1.0" }),
  ]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const install = (args: string[]) => runInstall(root, args);
/** `install --venv NEW --no-store -f links ARGS...`. */
const fromLinks = (...args: string[]) =>
  install(["--venv", freshVenv(root), "--no-store", "-f", links, ...args]);
/** The filename each project would be installed from (a dry run). */
async function chosen(args: string[]): Promise<string[]> {
  const ran = await fromLinks("--dry-run", "--json", ...args);
  return report(ran)
    .installed.map((p) => p.filename)
    .sort();
}

describe("pip's install options", () => {
  it("--root puts the environment's layout under a DESTDIR, scripts naming the real interpreter", async () => {
    const venv = freshVenv(root);
    const before = listTree(venv);
    const dest = join(root, "destdir");
    const done = report(
      await install(["--venv", venv, "--root", dest, "--no-store", "-f", links, "tool", "--json"]),
    );
    expect(nameVersions(done.installed)).toEqual(["tool 1.0"]);
    const site = join(dest, sitePackages(venv));
    expect(existsSync(join(site, "tool", "__init__.py"))).toBe(true);
    expect(existsSync(join(site, "tool-1.0.dist-info", "RECORD"))).toBe(true);
    const script = join(dest, venv, "bin", "tool");
    expect(done.scripts).toEqual([script]);
    expect(readFileSync(script, "utf8").split("\n")[0]).toBe(`#!${join(venv, "bin", "python")}`);
    expect(listTree(venv)).toEqual(before);
    expect(done.environment).toBe(join(dest, venv));
    // The root removed, the files would run where they belong: pip's RECORD form.
    expect(readFileSync(join(site, "tool-1.0.dist-info", "RECORD"), "utf8")).toMatch(
      /^\.\.\/\.\.\/\.\.\/bin\/tool,sha256=/m,
    );
  });

  it("--break-system-packages installs into an externally managed interpreter (PEP 668)", async () => {
    const python = pythonCopy(root, "managed", true);
    const refused = await install(["--python", python, "--no-store", "-f", links, "tool"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("externally managed");
    const done = report(
      await install([
        "--python",
        python,
        "--break-system-packages",
        "--no-store",
        "-f",
        links,
        "tool",
        "--json",
      ]),
    );
    expect(nameVersions(done.installed)).toEqual(["tool 1.0"]);
    expect(execFileSync(python, ["-c", "import tool; tool.main()"], { encoding: "utf8" })).toBe(
      "tool ran\n",
    );
  });

  it("-I/--ignore-installed installs again what is installed, replacing it cleanly", async () => {
    const venv = freshVenv(root);
    report(await install(["--venv", venv, "--no-store", "-f", links, "tool", "--json"]));
    for (const flag of ["-I", "--ignore-installed"]) {
      const again = report(
        await install(["--venv", venv, "--no-store", "-f", links, flag, "tool", "--json"]),
      );
      expect(nameVersions(again.installed)).toEqual(["tool 1.0"]);
      expect(nameVersions(again.removed)).toEqual(["tool 1.0"]);
    }
    expect(listTree(sitePackages(venv)).filter((p) => p.startsWith("tool-"))).toContain(
      "tool-1.0.dist-info/",
    );
  });

  it("--ignore-requires-python takes a release whose Requires-Python does not admit the interpreter", async () => {
    const ran = await fromLinks("future");
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("Requires-Python >=4 (from its metadata) does not admit Python");
    expect(await chosen(["--ignore-requires-python", "future"])).toEqual([
      "future-1.0-py3-none-any.whl",
    ]);
  });

  it("--no-binary takes sdists, --prefer-binary an older wheel, on the command line and in a requirements file", async () => {
    expect(await chosen(["lib"])).toEqual(["lib-2.0.tar.gz"]);
    expect(await chosen(["lib==1.0"])).toEqual(["lib-1.0-py3-none-any.whl"]);
    expect(await chosen(["--no-binary", "lib", "lib==1.0"])).toEqual(["lib-1.0.tar.gz"]);
    expect(await chosen(["--no-binary", ":all:", "--no-binary", ":none:", "lib==1.0"])).toEqual([
      "lib-1.0-py3-none-any.whl",
    ]);
    expect(await chosen(["--prefer-binary", "lib"])).toEqual(["lib-1.0-py3-none-any.whl"]);
    const reqs = join(root, "binary-reqs.txt");
    writeFileSync(reqs, "--no-binary lib\nlib==1.0\n");
    expect(await chosen(["-r", reqs])).toEqual(["lib-1.0.tar.gz"]);
    writeFileSync(reqs, "--prefer-binary\nlib\n");
    expect(await chosen(["-r", reqs])).toEqual(["lib-1.0-py3-none-any.whl"]);
  });

  it("--no-build-isolation reaches the offline pip wheel: the build then looks for its backend in the environment", async () => {
    const sdists = join(root, "flit-sdists");
    mkdirSync(sdists);
    await writeDistributions(sdists, [
      await buildSdist({
        name: "flitted",
        version: "1.0",
        metadataVersion: "2.2",
        pyproject: [
          "[build-system]",
          'requires = ["flit_core>=3.2,<4"]',
          'build-backend = "flit_core.buildapi"',
          "",
        ].join("\n"),
        files: { "flitted/__init__.py": "" },
      }),
    ]);
    // Sees the base interpreter's pip (a build needs it), which has no flit_core.
    const venv = join(root, "pip-venv");
    execFileSync("python3", ["-m", "venv", "--without-pip", "--system-site-packages", venv]);
    const isolated = await install(["--venv", venv, "--no-store", "-f", sdists, "flitted"]);
    expect(isolated.code).toBe(1);
    expect(isolated.stderr).toMatch(/needs the build requirement "flit_core/);
    const inPlace = await install([
      "--venv",
      venv,
      "--no-store",
      "-f",
      sdists,
      "--no-build-isolation",
      "flitted",
    ]);
    expect(inPlace.code).toBe(1);
    expect(inPlace.stderr).toMatch(/^error: building sdist "flitted-1\.0\.tar\.gz" failed/m);
    expect(inPlace.stderr).toMatch(/flit_core/);
    expect(inPlace.stderr).not.toContain("needs the build requirement");
  });

  it("takes pip's cosmetic flags; -v names each distribution installed", async () => {
    const ran = await fromLinks(
      "--disable-pip-version-check",
      "--no-input",
      "--no-color",
      "--isolated",
      "--no-python-version-warning",
      "--progress-bar",
      "off",
      "-v",
      "tool",
    );
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(/^installed tool 1\.0$/m);
  });
});
