import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRequirementInputs } from "../../../src/mirror/install/inputs.js";
import { installRequirements } from "../../../src/mirror/install/install.js";
import { probeInterpreter } from "../../../src/mirror/interpreter.js";
import { buildWheel, writeDistributions } from "../../helpers/wheels.js";
import { listTree, makeVenv } from "./env.js";

const root = mkdtempSync(join(tmpdir(), "wh-hashes-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("--require-hashes", () => {
  it("installs when every hash matches and fails naming the file when one differs", async () => {
    const python = makeVenv(join(root, "venv"));
    const links = join(root, "links");
    const a = await buildWheel({ name: "hashed-a", version: "1.0", requiresDist: ["hashed-b"] });
    const b = await buildWheel({ name: "hashed-b", version: "2.0" });
    await import("node:fs/promises").then((fs) => fs.mkdir(links));
    await writeDistributions(links, [a, b]);
    const run = async (text: string) => {
      const file = join(root, "requirements.txt");
      writeFileSync(file, text);
      const inputs = readRequirementInputs([], [file], []);
      return installRequirements({
        requirements: inputs.requirements,
        hashes: inputs.hashes,
        requireHashes: inputs.requireHashes,
        interpreter: await probeInterpreter(python),
        findLinks: [links],
      });
    };
    const venv = join(root, "venv");
    const before = listTree(venv);
    const wrong = "0".repeat(64);
    await expect(
      run(`hashed-a==1.0 --hash=sha256:${a.sha256}\nhashed-b==2.0 --hash=sha256:${wrong}\n`),
    ).rejects.toThrow(/hashed_b-2\.0-py3-none-any\.whl/);
    expect(listTree(venv)).toEqual(before);
    await expect(run(`hashed-a==1.0 --hash=sha256:${a.sha256}\n`)).rejects.toThrow(/hashed-b/);
    const ok = await run(
      `hashed-a==1.0 --hash=sha256:${a.sha256}\nhashed-b==2.0 --hash=sha256:${b.sha256}\n`,
    );
    expect(ok.installed.map((p) => p.name).sort()).toEqual(["hashed-a", "hashed-b"]);
  });
});
