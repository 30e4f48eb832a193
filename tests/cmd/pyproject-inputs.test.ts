// pyproject.toml as a requirements source through the built CLI: `-r pyproject.toml` with
// `--extra` (install, from a find-links folder; sync, from an index) and pip's `--group
// PATH:NAME`, and the usage errors.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wheelhouse } from "../helpers/cli.js";
import { startFakeIndex } from "../helpers/fake-index.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";
import { nameVersions, report, runInstall } from "./install-cli.js";

let root: string;
let links: string;
let pyproject: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-pyproject-"));
  links = join(root, "links");
  mkdirSync(links);
  await writeDistributions(
    links,
    await Promise.all(
      ["flask", "click", "pytest", "ruff"].map((name) => buildWheel({ name, version: "1.0" })),
    ),
  );
  mkdirSync(join(root, "proj"));
  pyproject = join(root, "proj", "pyproject.toml");
  writeFileSync(
    pyproject,
    [
      "[project]",
      'name = "app"',
      'version = "0.1"',
      'dependencies = ["flask"]',
      "[project.optional-dependencies]",
      'cli = ["click"]',
      "[dependency-groups]",
      'test = ["pytest"]',
      'dev = [{include-group = "test"}, "ruff"]',
      "",
    ].join("\n"),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dryRun = (args: string[]) =>
  runInstall(root, [
    "--python",
    "python3",
    "--no-store",
    "-f",
    links,
    "--dry-run",
    "-I",
    "--json",
    ...args,
  ]);

describe("pyproject.toml inputs", () => {
  it("install takes -r pyproject.toml with --extra, and --group PATH:NAME", async () => {
    const done = report(
      await dryRun(["-r", pyproject, "--extra", "cli", "--group", `${pyproject}:dev`]),
    );
    expect(nameVersions(done.installed)).toEqual([
      "click 1.0",
      "flask 1.0",
      "pytest 1.0",
      "ruff 1.0",
    ]);
    const groupOnly = report(await dryRun(["--group", `${pyproject}:test`]));
    expect(nameVersions(groupOnly.installed)).toEqual(["pytest 1.0"]);
  });

  it("refuses an unknown extra or group, and a --group path not named pyproject.toml", async () => {
    const cases: [string[], number, string][] = [
      [["-r", pyproject, "--extra", "gui"], 1, `error: ${pyproject} has no extra "gui"`],
      [["--group", `${pyproject}:docs`], 1, `error: ${pyproject} has no dependency group "docs"`],
      [["--group", `${join(root, "reqs.toml")}:test`], 2, "is not a file named pyproject.toml"],
    ];
    for (const [args, code, message] of cases) {
      const ran = await dryRun(args);
      expect(ran.code, args.join(" ")).toBe(code);
      expect(ran.stderr).toContain(message);
    }
  });

  it("sync takes -r pyproject.toml --all-extras from an index", async () => {
    const index = await startFakeIndex({
      projects: {
        flask: [{ dist: await buildWheel({ name: "flask", version: "3.0" }) }],
        click: [{ dist: await buildWheel({ name: "click", version: "8.0" }) }],
      },
    });
    try {
      const ran = await wheelhouse([
        ...["sync", "--store", join(root, "store"), "--index-url", index.indexUrl],
        ...["--target", "cp312-manylinux_2_28_x86_64", "--dry-run", "--json"],
        ...["-r", pyproject, "--all-extras"],
      ]);
      expect(ran.code, ran.stderr).toBe(0);
      const names = JSON.parse(ran.stdout).targets[0].packages.map(
        (p: { name: string; version: string }) => `${p.name} ${p.version}`,
      );
      expect(names).toEqual(["click 8.0", "flask 3.0"]);
    } finally {
      await index.close();
    }
  });
});
