// `wheelhouse install --target DIR` and `--prefix DIR` through the built CLI, with pip as the
// judge (`pip list --path`): packages land at DIR's top level (--target) or in the interpreter's
// layout under DIR (--prefix), scripts in DIR/bin, nothing outside DIR changes, what DIR holds
// counts as installed (kept, or upgraded by its RECORD), PEP 668 does not apply, a bad wheel
// leaves DIR as it was, and the combinations pip refuses are refused before anything changes.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ran } from "../helpers/cli.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../helpers/wheels.js";
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
let newer: string;
let python: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-install-schemes-"));
  links = join(root, "links");
  newer = join(root, "newer");
  mkdirSync(links);
  mkdirSync(newer);
  const tool: BuiltDistribution = await buildWheel({
    name: "tool",
    version: "1.0",
    requiresDist: ["lib>=2"],
    files: { "tool/__init__.py": "import lib\ndef main():\n    print('tool', lib.__version__)\n" },
    entryPoints: "[console_scripts]\ntool = tool:main\n",
  });
  await writeDistributions(links, [tool, await buildWheel({ name: "lib", version: "2.0" })]);
  await writeDistributions(newer, [await buildWheel({ name: "lib", version: "3.0" })]);
  // Not a venv, and externally managed: --target and --prefix write elsewhere, so PEP 668 does
  // not stop them (pip skips its check for both).
  python = pythonCopy(root, "managed", true);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const install = (args: string[], env: NodeJS.ProcessEnv = {}) => runInstall(root, args, env);
const ownSite = () => join(root, "managed", "lib");
/** `install --python PY OPTION DIR --no-store -f FROM ARGS...` (OPTION: -t, --target, --prefix). */
const placed = (py: string, option: string, dir: string, from: string, ...args: string[]) =>
  install(["--python", py, option, dir, "--no-store", "-f", from, ...args]);

/** `pip list --path DIR` of the real pip, as "name version", sorted. */
function pipList(dir: string): string[] {
  const out = execFileSync("python3", ["-m", "pip", "list", "--path", dir, "--format", "json"], {
    encoding: "utf8",
    env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" },
  });
  return nameVersions(JSON.parse(out) as { name: string; version: string }[]);
}

/** `python -c code` with PYTHONPATH=dir. */
const runWith = (dir: string, code: string) =>
  execFileSync(python, ["-c", code], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: dir },
  });

describe("install --target", () => {
  it("puts packages at the directory's top level and scripts in its bin, keeps what it holds, upgrades by RECORD", async () => {
    const target = join(root, "target");
    const before = listTree(ownSite());
    const ran = await placed(python, "--target", target, links, "tool", "--json");
    const first = report(ran);
    expect(nameVersions(first.installed)).toEqual(["lib 2.0", "tool 1.0"]);
    expect(first.environment).toBe(target);
    expect(first.scripts).toEqual([join(target, "bin", "tool")]);
    // pip gives no PATH warning for --target: where bin/ goes is the caller's business.
    expect(ran.stderr).not.toContain("not on PATH");
    expect(existsSync(join(target, "tool", "__init__.py"))).toBe(true);
    expect(readFileSync(join(target, "tool-1.0.dist-info", "INSTALLER"), "utf8")).toBe(
      "wheelhouse\n",
    );
    expect(readFileSync(join(target, "tool-1.0.dist-info", "RECORD"), "utf8")).toMatch(
      /^bin\/tool,sha256=/m,
    );
    expect(pipList(target)).toEqual(["lib 2.0", "tool 1.0"]);
    expect(runWith(target, "import tool; tool.main()")).toBe("tool 2.0\n");
    expect(
      execFileSync(join(target, "bin", "tool"), {
        encoding: "utf8",
        env: { ...process.env, PYTHONPATH: target },
      }),
    ).toBe("tool 2.0\n");
    expect(listTree(ownSite())).toEqual(before);

    const again = report(await placed(python, "-t", target, links, "tool", "--json"));
    expect(again.installed).toEqual([]);
    expect(nameVersions(again.kept)).toEqual(["lib 2.0", "tool 1.0"]);

    const upgraded = report(
      await placed(python, "-t", target, newer, "--upgrade", "lib", "--json"),
    );
    expect(nameVersions(upgraded.installed)).toEqual(["lib 3.0"]);
    expect(nameVersions(upgraded.removed)).toEqual(["lib 2.0"]);
    expect(existsSync(join(target, "lib-2.0.dist-info"))).toBe(false);
    expect(pipList(target)).toEqual(["lib 3.0", "tool 1.0"]);
    expect(runWith(target, "import tool; tool.main()")).toBe("tool 3.0\n");
  });

  it("a bad wheel leaves the directory as it was (not even created)", async () => {
    const bad = join(root, "bad-links");
    mkdirSync(bad);
    await writeDistributions(bad, [
      await buildWheel({
        name: "broken",
        version: "1.0",
        editRecord: (lines) =>
          lines.map((l) =>
            l.startsWith("broken/__init__.py,")
              ? l.replace(/sha256=[^,]+/, `sha256=${"A".repeat(43)}`)
              : l,
          ),
      }),
    ]);
    const target = join(root, "never-made");
    const ran = await placed(python, "--target", target, bad, "broken");
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("broken/__init__.py");
    expect(existsSync(target)).toBe(false);
  });
});

describe("install --prefix", () => {
  it("installs in the interpreter's layout under the prefix, and leaves the environment alone", async () => {
    const venv = freshVenv(root);
    const venvPython = join(venv, "bin", "python");
    const before = listTree(venv);
    const prefix = join(root, "prefix");
    const ran = await placed(venvPython, "--prefix", prefix, links, "tool", "--json");
    const done = report(ran);
    expect(nameVersions(done.installed)).toEqual(["lib 2.0", "tool 1.0"]);
    expect(done.environment).toBe(prefix);
    const site = join(prefix, "lib", sitePackages(venv).split("/").at(-2)!, "site-packages");
    expect(pipList(site)).toEqual(["lib 2.0", "tool 1.0"]);
    expect(done.scripts).toEqual([join(prefix, "bin", "tool")]);
    // prefix/bin is not on PATH: pip's warning.
    expect(ran.stderr).toMatch(
      /^warning: tool was installed in ".*\/prefix\/bin", which is not on PATH/m,
    );
    expect(
      execFileSync(join(prefix, "bin", "tool"), {
        encoding: "utf8",
        env: { ...process.env, PYTHONPATH: site },
      }),
    ).toBe("tool 2.0\n");
    expect(listTree(venv)).toEqual(before);
    // What the prefix holds counts as installed.
    const again = report(await placed(venvPython, "--prefix", prefix, links, "tool", "--json"));
    expect(again.installed).toEqual([]);
  });

  it("a prefix on an externally managed interpreter is not refused (PEP 668 covers its own environment)", async () => {
    const prefix = join(root, "prefix-managed");
    const done = report(await placed(python, "--prefix", prefix, links, "lib", "--json"));
    expect(nameVersions(done.installed)).toEqual(["lib 2.0"]);
    const [lib] = execFileSync(
      python,
      ["-I", "-c", "import sys; print(f'python{sys.version_info[0]}.{sys.version_info[1]}')"],
      {
        encoding: "utf8",
      },
    ).split("\n");
    expect(pipList(join(prefix, "lib", lib, "site-packages"))).toEqual(["lib 2.0"]);
  });
});

describe("where an install goes: one place at a time", () => {
  const refused = (ran: Ran, message: string) => {
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(message);
  };
  it("refuses --target, --prefix and --user together, with --venv, and a DIR that is a file, before anything changes", async () => {
    const dir = join(root, "refused");
    const venv = join(root, "refused-venv");
    refused(
      await install(["--target", dir, "--user", "-f", links, "lib"]),
      "--user cannot be combined with --target",
    );
    refused(
      await install(["--target", dir, "--prefix", dir, "-f", links, "lib"]),
      "--target cannot be combined with --prefix",
    );
    refused(
      await install(["--venv", venv, "--prefix", dir, "-f", links, "lib"]),
      "--prefix cannot be combined with --venv",
    );
    refused(
      await install(["--venv", venv, "--user", "-f", links, "lib"]),
      "--user cannot be combined with --venv",
    );
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(venv)).toBe(false);
    const file = join(root, "a-file");
    writeFileSync(file, "kept\n");
    refused(
      await install(["--target", file, "-f", links, "lib"]),
      `--target "${file}" exists and is not a directory`,
    );
    expect(readFileSync(file, "utf8")).toBe("kept\n");
  });
});
