// sync with buildMetadata (`--build-metadata`): an sdist whose PKG-INFO does not bind its
// dependencies (Metadata-Version 2.1) gets them from its build backend, run by the real pip
// offline from the build requirements sync fetched for this interpreter; without it, or when the
// backend fails, PKG-INFO's answer stands and a warning says why.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interpreterTarget, probeInterpreter } from "../../../src/mirror/interpreter.js";
import type { MetadataBuilder } from "../../../src/mirror/sync/sdist-metadata.js";
import { sync } from "../../../src/mirror/sync/sync.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { wheelhouse } from "../../helpers/cli.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { buildSdist, buildWheel } from "../../helpers/wheels.js";
import { testClient } from "../upstream/helpers.js";
import { freshStore } from "./sync-fixtures.js";

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** A PEP 517 backend that only prepares metadata, naming `lib` as a dependency (or failing). */
const BACKEND = `
import os
def get_requires_for_build_wheel(config_settings=None):
    return []
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    if os.path.exists("FAIL"):
        raise RuntimeError("this backend was told to fail")
    d = os.path.join(metadata_directory, "tool-1.2.dist-info")
    os.makedirs(d)
    with open(os.path.join(d, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\\nName: tool\\nVersion: 1.2\\nRequires-Dist: lib>=1\\n")
    return "tool-1.2.dist-info"
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("not needed for metadata")
`;

let index: FakeIndex;
let builder: MetadataBuilder;

beforeAll(async () => {
  const pyproject = '[build-system]\nrequires = ["buildkit"]\nbuild-backend = "buildkit.api"\n';
  index = await startFakeIndex({
    projects: {
      tool: [{ dist: await buildSdist({ name: "tool", version: "1.2", pyproject }) }],
      broken: [
        {
          dist: await buildSdist({
            name: "broken",
            version: "0.1",
            pyproject,
            files: { FAIL: "" },
          }),
        },
      ],
      buildkit: [
        {
          dist: await buildWheel({
            name: "buildkit",
            version: "1.0",
            files: { "buildkit/__init__.py": "", "buildkit/api.py": BACKEND },
          }),
        },
      ],
      lib: [{ dist: await buildWheel({ name: "lib", version: "1.0" }) }],
    },
  });
  cleanup.push(() => index.close());
  const info = await probeInterpreter("python3");
  builder = { python: info.executable, target: interpreterTarget(info) };
});

async function run(requirement: string, withBuilder: boolean) {
  const { store } = await freshStore(cleanup);
  const warnings: string[] = [];
  const { report } = await sync({
    store,
    http: testClient(),
    indexUrls: [index.indexUrl],
    targets: [builder.target],
    requirements: [parseRequirement(requirement)],
    dryRun: true,
    ...(withBuilder ? { buildMetadata: builder } : {}),
    events: { onWarning: (w) => warnings.push(w) },
  });
  const names = report.targets[0].packages.map((p) => `${p.name}${p.buildOnly ? "*" : ""}`);
  return { names, warnings };
}

describe("--build-metadata", () => {
  it("takes the dependencies the build backend prepares, with no warning", async () => {
    expect(await run("tool", true)).toEqual({ names: ["buildkit*", "lib", "tool"], warnings: [] });
  });

  it("without it, reads PKG-INFO and warns that it may not list them all", async () => {
    const { names, warnings } = await run("tool", false);
    expect(names).toEqual(["buildkit*", "tool"]);
    expect(warnings.join("\n")).toMatch(/tool-1\.2\.tar\.gz: .*Run with --build-metadata/);
  });

  it("is the CLI's --build-metadata, for this machine's python", async () => {
    const ran = await wheelhouse([
      ...[
        "sync",
        "--store",
        join((await freshStore(cleanup)).dir, "cli"),
        "--index-url",
        index.indexUrl,
      ],
      ...["--build-metadata", "--dry-run", "--json", "tool"],
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const packages = JSON.parse(ran.stdout).targets[0].packages as { name: string }[];
    expect(packages.map((p) => p.name)).toEqual(["buildkit", "lib", "tool"]);
    expect(ran.stderr).not.toContain("may not list them all");
  });

  it("keeps PKG-INFO's answer when the backend fails, saying why", async () => {
    const { names, warnings } = await run("broken", true);
    expect(names).toEqual(["broken", "buildkit*"]);
    expect(warnings.join("\n")).toMatch(
      /broken-0\.1\.tar\.gz: --build-metadata kept its PKG-INFO's dependencies: pip could not prepare its metadata: .*told to fail/,
    );
  });
});
