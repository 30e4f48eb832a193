// `--report FILE` (pip's installation report, version 1) from install and sync, with the real
// pip as the judge: for the same find-links folder, `wheelhouse install --dry-run --report`
// lists the same distributions as `pip install --dry-run --ignore-installed --report`, with the
// same download_info, requested flags, requested_extras, core metadata and environment; sync
// writes one report per target, each with that target's environment.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wheelhouse } from "../helpers/cli.js";
import { type FakeIndex, startFakeIndex } from "../helpers/fake-index.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";
import { runInstall } from "./install-cli.js";

interface Report {
  version: string;
  install: {
    download_info: { url: string; archive_info: Record<string, unknown> };
    is_direct: boolean;
    is_yanked?: boolean;
    requested: boolean;
    requested_extras?: string[];
    metadata: Record<string, unknown>;
  }[];
  environment: Record<string, string>;
}

let root: string;
let links: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-report-"));
  links = join(root, "links");
  mkdirSync(links);
  await writeDistributions(links, [
    await buildWheel({
      name: "app",
      version: "1.0",
      requiresDist: ["lib>=1", 'fast; extra == "speed"'],
      providesExtra: ["speed"],
      metadataLines: ["Summary: an app", "Keywords: a, b c", "Classifier: Topic :: Utilities"],
    }),
    await buildWheel({ name: "lib", version: "1.1", metadataLines: ["Author: someone"] }),
    await buildWheel({ name: "fast", version: "0.3" }),
  ]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `wheelhouse install --dry-run --ignore-installed --report OUT REQ` from the links folder. */
function dryRunReport(out: string, requirement: string) {
  return runInstall(root, [
    ...["--python", "python3", "--no-store", "-f", links],
    ...["--dry-run", "--ignore-installed", "--report", out, requirement],
  ]);
}

/** Entries by name, without what only one of the two writes (pip 23's lack of is_yanked). */
function byName(report: Report) {
  return Object.fromEntries(
    report.install.map(({ is_yanked: _, ...entry }) => [entry.metadata.name as string, entry]),
  );
}

describe("--report", () => {
  it("install --dry-run writes what pip's report says, for the same folder", async () => {
    const theirs = join(root, "pip.json");
    execFileSync(
      "python3",
      [
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--no-index",
        "--find-links",
        links,
        "--quiet",
        "--report",
        theirs,
        "app[speed]",
      ],
      { env: process.env },
    );
    const ours = join(root, "ours.json");
    const ran = await dryRunReport(ours, "app[speed]");
    expect(ran.code, ran.stderr).toBe(0);
    const pip = JSON.parse(readFileSync(theirs, "utf8")) as Report;
    const got = JSON.parse(readFileSync(ours, "utf8")) as Report;
    expect(got.version).toBe("1");
    expect(byName(got)).toEqual(byName(pip));
    expect(got.environment).toEqual(pip.environment);
    expect(byName(got).app.requested_extras).toEqual(["speed"]);
    expect(byName(got).app.metadata.keywords).toEqual(["a", "b c"]);
  });

  it("install --report - prints the report alone on stdout, and refuses --json beside it", async () => {
    const ran = await dryRunReport("-", "lib");
    expect(ran.code, ran.stderr).toBe(0);
    const report = JSON.parse(ran.stdout) as Report;
    expect(report.install.map((e) => [e.metadata.name, e.requested])).toEqual([["lib", true]]);
    const both = await runInstall(root, [
      "--no-store",
      "-f",
      links,
      "--report",
      "-",
      "--json",
      "lib",
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--report - and --json both write to stdout");
  });

  describe("sync", () => {
    let index: FakeIndex;
    beforeAll(async () => {
      index = await startFakeIndex({
        projects: {
          app: [{ dist: await buildWheel({ name: "app", version: "2.0", requiresDist: ["lib"] }) }],
          lib: [{ dist: await buildWheel({ name: "lib", version: "1.1" }) }],
        },
      });
    });
    afterAll(() => index.close());

    it("writes one report per target, each with its target's environment", async () => {
      const out = join(root, "sync-report.json");
      const ran = await wheelhouse([
        "sync",
        "--store",
        join(root, "store"),
        "--index-url",
        index.indexUrl,
        "--dry-run",
        "--target",
        "cp311-manylinux_2_28_x86_64",
        "--target",
        "cp312-win_amd64",
        "--report",
        out,
        "app",
      ]);
      expect(ran.code, ran.stderr).toBe(0);
      for (const [spec, platform] of [
        ["cp311-manylinux_2_28_x86_64", "linux"],
        ["cp312-win_amd64", "win32"],
      ]) {
        const report = JSON.parse(
          readFileSync(join(root, `sync-report.${spec}.json`), "utf8"),
        ) as Report;
        expect(report.environment.sys_platform).toBe(platform);
        expect(
          report.install.map((e) => [e.metadata.name, e.metadata.version, e.requested]),
        ).toEqual([
          ["app", "2.0", true],
          ["lib", "1.1", false],
        ]);
        expect(report.install[0].download_info.url).toBe(
          `${index.origin}${index.filePath("app-2.0-py3-none-any.whl")}`,
        );
        expect(report.install[0].download_info.archive_info.hashes).toMatchObject({
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
      }
    });
  });
});
