// `sync -d/--dest DIR` (pip download -d) and `sync --no-deps`, through the built CLI: the chosen
// files, build requirements included, land in DIR under their own names with the store's
// verified bytes, and the real `pip install --no-index --find-links DIR` installs from it; a
// second run keeps what is there and replaces what differs; --no-deps takes the requirement
// alone.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wheelhouse } from "../helpers/cli.js";
import { type FakeIndex, startFakeIndex } from "../helpers/fake-index.js";
import { type BuiltDistribution, buildSdist, buildWheel } from "../helpers/wheels.js";
import { freshVenv } from "./install-cli.js";

let root: string;
let index: FakeIndex;
let dists: BuiltDistribution[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-sync-dest-"));
  dists = [
    await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib", "tool"] }),
    await buildWheel({ name: "lib", version: "2.0" }),
    await buildSdist({
      name: "tool",
      version: "0.1",
      pyproject:
        '[build-system]\nrequires = ["flit_core>=3"]\nbuild-backend = "flit_core.buildapi"\n',
    }),
    await buildWheel({ name: "flit_core", version: "3.9.0" }),
  ];
  index = await startFakeIndex({
    projects: Object.fromEntries(
      dists.map((d) => [d.filename.split(/-\d/)[0].replace(/_/g, "-"), [{ dist: d }]]),
    ),
  });
});
afterAll(async () => {
  await index?.close();
  rmSync(root, { recursive: true, force: true });
});

const sync = (args: string[]) =>
  wheelhouse([
    "sync",
    "--index-url",
    index.indexUrl,
    "--target",
    "cp311-manylinux_2_28_x86_64",
    ...args,
  ]);
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("sync --dest", () => {
  it("copies every chosen file, build requirements too, where pip installs from", async () => {
    const dest = join(root, "wheels");
    const ran = await sync(["--store", join(root, "s1"), "-d", dest, "app"]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain(`${dest}: 4 files copied, 0 already there`);
    expect(readdirSync(dest).sort()).toEqual(dists.map((d) => d.filename).sort());
    for (const d of dists) expect(sha(join(dest, d.filename))).toBe(d.sha256);

    // pip, offline, from that folder alone (lib and app are wheels; tool is an sdist: --no-deps
    // on app keeps the build out of this check, which is pip's to do).
    const venv = freshVenv(root);
    const pip = (...args: string[]) =>
      execFileSync("python3", ["-m", "pip", "--python", join(venv, "bin", "python"), ...args], {
        encoding: "utf8",
      });
    pip("install", "--no-index", "--find-links", dest, "--no-deps", "app", "lib");
    const listed = pip("list");
    expect(listed).toMatch(/^app\s+1\.0$/m);

    // Again: the same bytes are kept; other bytes under a chosen name are replaced.
    writeFileSync(join(dest, dists[1].filename), "not a wheel");
    const again = await sync(["--store", join(root, "s1"), "-d", dest, "app", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).dest).toEqual({ dir: dest, copied: 1, kept: 3 });
    expect(sha(join(dest, dists[1].filename))).toBe(dists[1].sha256);
  });

  it("copies nothing on a dry run, and refuses a --dest that is a file", async () => {
    const dest = join(root, "dry");
    const dry = await sync(["--store", join(root, "s2"), "-d", dest, "--dry-run", "app"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(() => readdirSync(dest)).toThrow();
    const file = join(root, "a-file");
    writeFileSync(file, "");
    const refused = await sync(["--store", join(root, "s2"), "-d", file, "app"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--dest "${file}" is not a folder`);
  });
});

describe("sync --no-deps", () => {
  it("takes the requirements alone, and an sdist's build requirements still", async () => {
    const ran = await sync(["--store", join(root, "s3"), "--no-deps", "--json", "app", "tool"]);
    expect(ran.code, ran.stderr).toBe(0);
    const names = JSON.parse(ran.stdout).targets[0].packages.map(
      (p: { name: string; buildOnly?: boolean }) => `${p.name}${p.buildOnly ? "*" : ""}`,
    );
    expect(names).toEqual(["app", "flit-core*", "tool"]);
  });
});
