// Wheels staged while the resolver works (src/mirror/install/early-staging.ts): the queue's own
// rules with a stand-in stage function, then real installs where the resolver reads a release it
// then leaves, into a real venv.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EarlyStaging } from "../../../src/mirror/install/early-staging.js";
import { type InstallEvent, installRequirements } from "../../../src/mirror/install/install.js";
import type { StagedWheel } from "../../../src/mirror/install/unpack.js";
import { probeInterpreter } from "../../../src/mirror/interpreter.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { buildWheel, type WheelSpec, writeDistributions } from "../../helpers/wheels.js";
import { listTree, makeVenv } from "./env.js";

/** A staged wheel that only records whether it was discarded. */
function fakeStaged(filename: string, discarded: string[]): StagedWheel {
  return {
    filename,
    name: filename,
    version: "1",
    root: "/",
    pyFiles: [],
    scripts: [],
    commit: async () => {},
    finish: async () => {},
    discard: async () => {
      discarded.push(filename);
    },
  };
}

describe("EarlyStaging", () => {
  it("stages each path once, at most 6 at a time, and hands a staging to whoever takes it", async () => {
    let running = 0;
    let most = 0;
    const calls: string[] = [];
    const discarded: string[] = [];
    const early = new EarlyStaging(async (path, filename) => {
      calls.push(path);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return fakeStaged(filename, discarded);
    });
    for (let i = 0; i < 10; i++) early.start(`/w/${i}.whl`, `${i}.whl`);
    early.start("/w/0.whl", "0.whl");
    expect(calls).toHaveLength(6);
    expect((await early.take("/w/3.whl", () => {}))?.filename).toBe("3.whl");
    expect(early.take("/w/3.whl", () => {})).toBeUndefined();
    expect(early.take("/w/none.whl", () => {})).toBeUndefined();
    await early.discardRest();
    expect(calls).toHaveLength(10);
    expect(most).toBe(6);
    expect(discarded.sort()).toEqual(
      ["0", "1", "2", "4", "5", "6", "7", "8", "9"].map((i) => `${i}.whl`),
    );
  });

  it("keeps a failure and the warnings for the taker; what nobody takes is neither thrown nor told", async () => {
    const early = new EarlyStaging(async (_path, filename, onWarning) => {
      onWarning(`about ${filename}`);
      throw new Error(`bad ${filename}`);
    });
    early.start("/w/a.whl", "a.whl");
    early.start("/w/b.whl", "b.whl");
    const told: string[] = [];
    await expect(early.take("/w/a.whl", (w) => told.push(w))).rejects.toThrow("bad a.whl");
    await early.discardRest();
    expect(told).toEqual(["about a.whl"]);
  });

  it("starts nothing once the rest is discarded (a metadata read that lands after a failed resolution)", async () => {
    const calls: string[] = [];
    const early = new EarlyStaging(async (path, filename) => {
      calls.push(path);
      return fakeStaged(filename, []);
    });
    await early.discardRest();
    early.start("/w/late.whl", "late.whl");
    expect(calls).toEqual([]);
    expect(early.take("/w/late.whl", () => {})).toBeUndefined();
  });
});

describe("installing when the resolver leaves a release it read", () => {
  let root: string;
  let python: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "wh-early-"));
    python = makeVenv(join(root, "venv"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function install(specs: WheelSpec[], reqs: string[]) {
    const dir = mkdtempSync(join(root, "links-"));
    await writeDistributions(dir, await Promise.all(specs.map(buildWheel)));
    const events: InstallEvent[] = [];
    const report = await installRequirements({
      requirements: reqs.map(parseRequirement),
      interpreter: await probeInterpreter(python),
      findLinks: [dir],
      onEvent: (e) => events.push(e),
    });
    return { report, events };
  }

  // PICK 2.0 needs DEP==2, which is not there: the resolver reads PICK 2.0, then takes PICK 1.0.
  const left = (pick: string, dep: string, more: Partial<WheelSpec> = {}): WheelSpec[] => [
    {
      name: pick,
      version: "2.0",
      requiresDist: [`${dep}==2`],
      files: { [`${pick}/v2.py`]: "" },
      ...more,
    },
    { name: pick, version: "1.0", requiresDist: [dep], files: { [`${pick}/v1.py`]: "" } },
    { name: dep, version: "1.0" },
  ];
  const staging = (dir: string) => readdirSync(dir).filter((n) => n.startsWith(".whtmp-"));

  it("installs the release chosen, and nothing of the one left (no file, no staging directory)", async () => {
    const info = await probeInterpreter(python);
    const before = listTree(info.paths.purelib);
    const { report } = await install(left("pick", "dep"), ["pick"]);
    expect(report.installed.map((d) => `${d.name} ${d.version}`).sort()).toEqual([
      "dep 1.0",
      "pick 1.0",
    ]);
    const added = listTree(info.paths.purelib).filter((p) => !before.includes(p));
    expect(added).toContain("pick/v1.py 0");
    expect(added.filter((p) => p.includes("v2") || p.includes("2.0"))).toEqual([]);
    expect(staging(info.paths.purelib)).toEqual([]);
  });

  it("does not fail, nor warn, for a faulty release it read and left", async () => {
    const info = await probeInterpreter(python);
    const faulty = left("pick-faulty", "dep-faulty", {
      wheelVersion: "1.9", // pip warns of a newer minor
      editRecord: (lines) =>
        lines.map((l) => l.replace(/^(pick_faulty\/v2\.py,)sha256=[^,]+/, "$1sha256=AAAA")),
    });
    const { report, events } = await install(faulty, ["pick-faulty"]);
    expect(report.installed.map((d) => `${d.name} ${d.version}`).sort()).toEqual([
      "dep-faulty 1.0",
      "pick-faulty 1.0",
    ]);
    expect(events.filter((e) => e.kind === "warning")).toEqual([]);
    expect(staging(info.paths.purelib)).toEqual([]);
  });
});
