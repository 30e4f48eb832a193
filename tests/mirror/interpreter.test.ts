import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { interpreterTarget, probeInterpreter } from "../../src/mirror/interpreter.js";
import { markerEnvironment, supportedTags } from "../../src/pep/target.js";

// The oracle: the same interpreter asked through `packaging` (installed beside python3 here).
function oracle(code: string): string {
  return execFileSync("python3", ["-c", code], { encoding: "utf8" }).trim();
}

describe("probeInterpreter", () => {
  it("reports python3 as packaging sees it", async () => {
    const info = await probeInterpreter();
    const version = oracle("import sys; print('%d.%d.%d' % sys.version_info[:3])");
    expect(info.version.join(".")).toBe(version);
    expect(info.implementation).toBe("cp");
    const firstTag = oracle("from packaging import tags; print(next(iter(tags.sys_tags())))");
    const target = interpreterTarget(info);
    expect(supportedTags(target)[0]).toBe(firstTag);
    const env = JSON.parse(
      oracle(
        "import json; from packaging.markers import default_environment as d; print(json.dumps(d()))",
      ),
    );
    expect(info.markerEnvironment).toEqual(env);
    const own = markerEnvironment(target);
    for (const key of [
      "python_version",
      "python_full_version",
      "sys_platform",
      "platform_machine",
    ]) {
      expect(own[key]).toBe(env[key]);
    }
    expect(info.paths.purelib).toBe(
      oracle("import sysconfig; print(sysconfig.get_path('purelib'))"),
    );
  });

  it("caches per interpreter", async () => {
    const a = await probeInterpreter("python3");
    const b = await probeInterpreter("python3");
    expect(a).toBe(b);
  });

  it("answers for a new venv from another venv's probe kept on disk, as a probe would", async () => {
    const root = mkdtempSync(join(tmpdir(), "wh-probe-"));
    const saved = process.env.WHEELHOUSE_CACHE_DIR;
    try {
      process.env.WHEELHOUSE_CACHE_DIR = join(root, "cache");
      for (const v of ["a", "b"])
        execFileSync("python3", ["-m", "venv", "--without-pip", join(root, v)]);
      await probeInterpreter(join(root, "a", "bin", "python"));
      expect(readdirSync(join(root, "cache", "interpreters")).length).toBe(1);
      const derived = await probeInterpreter(join(root, "b", "bin", "python"));
      // A real probe of b: another name for its python, with an empty cache.
      process.env.WHEELHOUSE_CACHE_DIR = join(root, "cache2");
      symlinkSync("python", join(root, "b", "bin", "python-alias"));
      const probed = await probeInterpreter(join(root, "b", "bin", "python-alias"));
      expect(probed.executable).toBe(join(root, "b", "bin", "python-alias"));
      expect({ ...derived, executable: "" }).toEqual({ ...probed, executable: "" });
      expect(derived.executable).toBe(join(root, "b", "bin", "python"));
    } finally {
      if (saved === undefined) delete process.env.WHEELHOUSE_CACHE_DIR;
      else process.env.WHEELHOUSE_CACHE_DIR = saved;
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("names a missing interpreter", async () => {
    await expect(probeInterpreter("/nonexistent/python9")).rejects.toMatchObject({
      code: "PYTHON_NOT_FOUND",
    });
    await expect(probeInterpreter("no-such-python-9")).rejects.toMatchObject({
      code: "PYTHON_NOT_FOUND",
    });
  });
});
