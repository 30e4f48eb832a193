import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSdist, buildWheel, writeDistributions } from "./wheels.js";

describe("generated wheels", () => {
  it("are reproducible and valid zip files", async () => {
    const a = await buildWheel({ name: "Demo.Pkg", version: "1.0", requiresDist: ["six"] });
    const b = await buildWheel({ name: "Demo.Pkg", version: "1.0", requiresDist: ["six"] });
    expect(a.sha256).toBe(b.sha256);
    expect(a.filename).toBe("demo_pkg-1.0-py3-none-any.whl");
    const dir = await mkdtemp(join(tmpdir(), "wh-wheels-"));
    try {
      const sdist = await buildSdist({ name: "demo-pkg", version: "1.0" });
      expect(sdist.filename).toBe("demo_pkg-1.0.tar.gz");
      await writeDistributions(dir, [a]);
      const out = execFileSync("python3", [
        "-c",
        "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip())",
        join(dir, a.filename),
      ]).toString();
      expect(out.trim()).toBe("None");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
