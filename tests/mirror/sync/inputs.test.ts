// readSyncInputs: what a mirror does with lines it cannot mirror. An editable (`-e .`, as `uv
// export` writes the project itself) is left out with a warning naming the file and line, and
// the rest is read; install's reader still refuses it.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRequirementInputs } from "../../../src/mirror/install/inputs.js";
import { readSyncInputs } from "../../../src/mirror/sync/inputs.js";
import { formatRequirement } from "../../../src/pep/requirement.js";

const dir = mkdtempSync(join(tmpdir(), "wh-sync-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readSyncInputs", () => {
  it("leaves an editable line out with a warning, and reads the rest", () => {
    const path = join(dir, "requirements.txt");
    writeFileSync(path, "anyio==4.4.0\n    # via httpx\n-e .\nhttpx==0.27.0\n");
    const inputs = readSyncInputs([], [path], []);
    expect(inputs.requirements.map(formatRequirement)).toEqual(["anyio==4.4.0", "httpx==0.27.0"]);
    expect(inputs.warnings).toEqual([
      `${path}:3: "-e ." names a source tree, which is not mirrored; build it into a wheel to carry it`,
    ]);
    expect(() => readRequirementInputs([], [path], [])).toThrow(/editable installs \(-e\)/);
  });
});
