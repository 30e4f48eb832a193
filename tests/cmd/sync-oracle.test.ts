// Oracle: for the corpus requirement set, `wheelhouse sync --dry-run --json` (default target: the
// local python3) picks the same versions and files as
// `python3 -m pip install --dry-run --ignore-installed --report out.json --index-url URL -r REQS`
// against the same upstream: `wheelhouse serve` over a store filled by `wheelhouse add`.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, type ServeProcess, startServe, wheelhouse } from "../helpers/cli.js";
import { corpusPath, HAS_CORPUS } from "../helpers/corpus.js";

describe.skipIf(!HAS_CORPUS)("sync agrees with pip on the corpus requirement set", () => {
  let dir: string;
  let serve: ServeProcess;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wh-oracle-"));
    const added = await wheelhouse(["add", "--store", join(dir, "up"), corpusPath("wheels")]);
    expect(added.code).toBe(0);
    serve = await startServe(["--store", join(dir, "up"), "--quiet"]);
  }, 60_000);
  afterAll(async () => {
    await serve?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("same names, versions and files", async () => {
    const index = `${serve.url}/simple/`;
    const reqs = corpusPath("wheels-requirements.txt");
    const out = join(dir, "pip.json");
    const pip = await runProcess("python3", [
      "-m",
      "pip",
      "install",
      "--dry-run",
      "--ignore-installed",
      "--quiet",
      "--disable-pip-version-check",
      "--no-cache-dir",
      "--report",
      out,
      "--index-url",
      index,
      "-r",
      reqs,
    ]);
    expect(pip.code, pip.stderr).toBe(0);
    const pipReport = JSON.parse(await readFile(out, "utf8")) as {
      install: { metadata: { name: string; version: string }; download_info: { url: string } }[];
    };
    const expected = pipReport.install
      .map((i) => {
        const name = i.metadata.name.toLowerCase().replace(/[-_.]+/g, "-");
        const filename = decodeURIComponent(i.download_info.url.split("/").pop()!);
        return `${name}==${i.metadata.version} ${filename}`;
      })
      .sort();

    const ran = await wheelhouse(
      ["sync", "--store", join(dir, "down"), "--dry-run", "--json", "-r", reqs],
      { ...process.env, WHEELHOUSE_INDEX_URL: index },
    );
    expect(ran.code, ran.stderr).toBe(0);
    const report = JSON.parse(ran.stdout) as {
      targets: { packages: { name: string; version: string; files: { filename: string }[] }[] }[];
    };
    expect(report.targets).toHaveLength(1);
    const got = report.targets[0].packages
      .map((p) => `${p.name}==${p.version} ${p.files[0].filename}`)
      .sort();
    expect(got).toEqual(expected);
    expect(got.length).toBeGreaterThanOrEqual(30);
  }, 120_000);
});
