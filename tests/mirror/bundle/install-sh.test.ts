// install.sh run for real with python3 and pip (no index, no pip config): from another folder,
// under a path with blanks and "#", with CDPATH exported, under sh and bash; what it refuses
// before pip runs (a file of wheels/ the manifest does not list, a changed wheel, no fitting
// target, no python); which requirements file it picks among several targets.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFromStore } from "../../../src/mirror/bundle/bundle.js";
import { CHECK_PY, installSh } from "../../../src/mirror/bundle/install-scripts.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import { addPaths, closeStore, openStore } from "../../../src/store/index.js";
import { runProcess } from "../../helpers/cli.js";
import { buildWheel, writeDistributions } from "../../helpers/wheels.js";

const exec = promisify(execFile);

/** This interpreter: cpXY and the most preferred platform tag pip accepts, e.g. manylinux_2_36_x86_64. */
const HERE = await exec("python3", [
  "-c",
  "import sys; from pip._vendor.packaging import tags; t = next(iter(tags.sys_tags()));" +
    "print(sys.implementation.name, '%d%d' % sys.version_info[:2], t.platform)",
]).then(
  ({ stdout }) => {
    const [impl, version, platform] = stdout.trim().split(" ");
    return impl === "cpython" && /^(many|musl)linux_/.test(platform)
      ? { interpreter: `cp${version}`, platform }
      : undefined;
  },
  () => undefined,
);

let root: string;
let python: string;
const offline = () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PIP_CONFIG_FILE: "/dev/null",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
  };
  for (const k of ["PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "CDPATH", "PYTHON"]) {
    delete env[k];
  }
  return env;
};

/** Bundle `app` for the target specs and extract it under `name` (beside the archive). */
async function extracted(name: string, specs: string[]): Promise<string> {
  const archive = join(root, `${name}.tar.gz`);
  const store = await openStore(join(root, "store"));
  try {
    await bundleFromStore(store, {
      output: archive,
      requirements: [parseRequirement("app")],
      targets: specs.map(parseTarget),
      toolVersion: "0.0.0",
    });
  } finally {
    closeStore(store);
  }
  const dir = join(root, name);
  await mkdir(dir);
  await exec("tar", ["xzf", archive, "-C", dir]);
  return dir;
}

describe.skipIf(HERE === undefined)("install.sh, run for real", () => {
  const mine = () => `${HERE!.interpreter}-${HERE!.platform}`;

  beforeAll(async () => {
    // Blanks and "#" in every path the script handles (pip turns --find-links into a URL).
    root = await mkdtemp(join(tmpdir(), "wh install sh #"));
    const wheels = join(root, "in");
    await mkdir(wheels);
    await writeDistributions(wheels, [
      await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib>=2"] }),
      await buildWheel({ name: "lib", version: "2.1" }),
    ]);
    const store = await openStore(join(root, "store"));
    try {
      expect((await addPaths(store, [wheels])).failed).toEqual([]);
    } finally {
      closeStore(store);
    }
    await exec("python3", ["-m", "venv", join(root, "venv")]);
    python = join(root, "venv", "bin", "python");
  }, 120_000);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it.each(["sh", "bash"])(
    "installs under %s, called by a relative path from the parent folder with CDPATH exported",
    async (shell) => {
      const dir = await extracted(`one ${shell}`, [mine()]);
      const into = join(root, `into-${shell}`);
      const ran = await runProcess(shell, [`one ${shell}/install.sh`, "-q", "--target", into], {
        cwd: root,
        env: { ...offline(), PYTHON: python, CDPATH: root },
        timeoutMs: 120_000,
      });
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stderr).toContain(`all files verified; installing requirements-${mine()}.txt`);
      expect(existsSync(join(into, "app", "__init__.py"))).toBe(true);
      expect(existsSync(join(into, "lib", "__init__.py"))).toBe(true);
      expect(existsSync(dir)).toBe(true);
    },
    120_000,
  );

  it("picks the requirements file of the target that fits, run from another folder", async () => {
    const dir = await extracted("two", ["cp312-win_amd64", mine()]);
    const into = join(root, "into-two");
    const ran = await runProcess("sh", [join(dir, "install.sh"), "-q", "--target", into], {
      cwd: tmpdir(),
      env: { ...offline(), PYTHON: python },
      timeoutMs: 120_000,
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain(`installing requirements-${mine()}.txt`);
    expect(existsSync(join(into, "lib-2.1.dist-info"))).toBe(true);
  }, 120_000);

  it.each([
    {
      slug: "unlisted",
      name: "a wheel in wheels/ that manifest.json does not list",
      change: async (dir: string) => {
        const extra = await buildWheel({ name: "lib", version: "9.0" });
        await writeFile(join(dir, "wheels", extra.filename), extra.bytes);
        // Hidden files (a Finder's .DS_Store) can name no project: tolerated.
        await writeFile(join(dir, "wheels", ".DS_Store"), "x");
      },
      says: "wheels/lib-9.0-py3-none-any.whl is not listed in manifest.json",
    },
    {
      slug: "changed",
      name: "a changed wheel",
      change: async (dir: string) => {
        await writeFile(join(dir, "wheels", "lib-2.1-py3-none-any.whl"), "not a wheel");
      },
      says: "wheels/lib-2.1-py3-none-any.whl has sha256",
    },
  ])(
    "refuses $name before pip runs",
    async ({ slug, change, says }) => {
      const dir = await extracted(`refused ${slug}`, [mine()]);
      await change(dir);
      const into = join(root, `into-refused-${slug}`);
      const ran = await runProcess("sh", [join(dir, "install.sh"), "--target", into], {
        env: { ...offline(), PYTHON: python },
      });
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain(says);
      expect(ran.stderr).toContain("nothing was installed");
      expect(ran.stderr).not.toContain(".DS_Store");
      expect(existsSync(into)).toBe(false);
    },
    60_000,
  );

  it("names the interpreter and the bundled targets when none fits, before pip runs", async () => {
    const dir = await extracted("none", ["cp312-win_amd64", "cp310-macosx_11_0_arm64"]);
    const ran = await runProcess("sh", [join(dir, "install.sh")], {
      env: { ...offline(), PYTHON: python },
    });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("no target of this bundle fits this interpreter");
    expect(ran.stderr).toContain("cp312-win_amd64, cp310-macosx_11_0_arm64");
    expect(ran.stderr).not.toContain("all files verified");
  }, 60_000);

  it("says when no python is found (PATH without one, PYTHON unset)", async () => {
    const dir = await extracted("nopython", [mine()]);
    const bin = join(root, "bin-without-python");
    await mkdir(bin);
    const { stdout } = await exec("sh", ["-c", "command -v dirname"]);
    await symlink(stdout.trim(), join(bin, "dirname"));
    const ran = await runProcess("/bin/sh", [join(dir, "install.sh")], {
      env: { ...offline(), PATH: bin },
    });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("error: no python found; set PYTHON=/path/to/python");
    expect(await readdir(bin)).toEqual(["dirname"]);
  }, 60_000);
});

describe("install.sh text", () => {
  it("carries the checker in a single-quoted string, without a here-document", () => {
    // bash 3.2 (macOS /bin/sh) parses a here-document inside $(...) as shell code.
    expect(CHECK_PY).not.toContain("'");
    const script = installSh();
    expect(script).not.toMatch(/<<-?\s*["']?[A-Za-z_]/);
    expect(script).toContain(`check='${CHECK_PY}'\n`);
  });
});
