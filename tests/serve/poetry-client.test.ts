// End to end: Poetry (Debian's python3-poetry, 1.3) locks and installs a project from
// `wheelhouse serve` as a legacy (PEP 503) source, unchanged.
// Traps:
// - Poetry 1.3 reads a wheel's core metadata with pkginfo, whose Debian version knows
//   Metadata-Version 2.1 and not 2.3 or 2.4: for newer wheels it sees no dependencies, whatever
//   index serves them. The wheels here are built with Metadata-Version 2.1.
// - HOME, Poetry's cache and the virtualenv (in the project) live in a temp folder, and keyring
//   is turned off, so the test reads and writes nothing of the user's.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, type ServeProcess, startServe, wheelhouse } from "../helpers/cli.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../helpers/wheels.js";

const POETRY = "/usr/bin/poetry";

let dir: string;
let server: ServeProcess;
let wheels: BuiltDistribution[];

function poetry(args: string[], cwd: string) {
  return runProcess(POETRY, [...args, "--no-interaction"], {
    cwd,
    env: {
      ...process.env,
      HOME: join(dir, "home"),
      POETRY_CACHE_DIR: join(dir, "poetry-cache"),
      POETRY_VIRTUALENVS_IN_PROJECT: "true",
      PYTHON_KEYRING_BACKEND: "keyring.backends.null.Keyring",
      PIP_CONFIG_FILE: "/dev/null",
    },
    timeoutMs: 180_000,
  });
}

describe.skipIf(!existsSync(POETRY))("real poetry against wheelhouse serve", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wh-poetry-"));
    await mkdir(join(dir, "home"));
    wheels = [
      await buildWheel({
        name: "alpha",
        version: "1.0",
        requiresDist: ["beta>=1.0"],
        metadataLines: ["Summary: the alpha project"],
      }),
      await buildWheel({ name: "beta", version: "1.0" }),
      await buildWheel({ name: "beta", version: "1.1" }),
      await buildWheel({ name: "beta", version: "2.0rc1" }),
    ];
    const wheelsDir = join(dir, "wheels");
    await mkdir(wheelsDir);
    await writeDistributions(wheelsDir, wheels);
    const added = await wheelhouse(["add", "--store", join(dir, "store"), wheelsDir]);
    expect(added.code, added.stderr).toBe(0);
    server = await startServe(["--store", join(dir, "store"), "--quiet"]);
  }, 120_000);

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("locks with the served dependencies and hashes, then installs", async () => {
    const project = join(dir, "project");
    await mkdir(project);
    await writeFile(
      join(project, "pyproject.toml"),
      [
        "[tool.poetry]",
        'name = "demo"',
        'version = "0.1.0"',
        'description = ""',
        'authors = ["Demo <demo@example.invalid>"]',
        "",
        "[tool.poetry.dependencies]",
        'python = ">=3.8"',
        'alpha = "*"',
        "",
        "[[tool.poetry.source]]",
        'name = "internal"',
        `url = "${server.url}/simple/"`,
        "default = true",
        "",
        "[build-system]",
        'requires = ["poetry-core"]',
        'build-backend = "poetry.core.masonry.api"',
        "",
      ].join("\n"),
    );

    const locked = await poetry(["lock"], project);
    expect(locked.code, locked.stderr + locked.stdout).toBe(0);
    const lock = await readFile(join(project, "poetry.lock"), "utf8");
    // alpha's dependency came from the served wheel's core metadata; the newest final beta, not
    // 2.0rc1.
    expect(lock).toMatch(/name = "alpha"\nversion = "1\.0"\ndescription = "the alpha project"/);
    expect(lock).toMatch(/\[package\.dependencies\]\nbeta = ">=1\.0"/);
    expect(lock).toMatch(/name = "beta"\nversion = "1\.1"/);
    expect(lock).not.toContain("2.0rc1");
    for (const w of wheels.filter((w) => /^(alpha-1\.0|beta-1\.1)-/.test(w.filename))) {
      expect(lock).toContain(`{file = "${w.filename}", hash = "sha256:${w.sha256}"}`);
    }

    const installed = await poetry(["install", "--no-root"], project);
    expect(installed.code, installed.stderr + installed.stdout).toBe(0);
    const ran = await runProcess(join(project, ".venv", "bin", "python"), [
      "-c",
      "import alpha, beta, importlib.metadata as m; print(m.version('alpha'), m.version('beta'))",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout.trim()).toBe("1.0 1.1");
  }, 300_000);
});
