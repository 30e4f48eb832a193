import { execFileSync } from "node:child_process";
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

  it("names a missing interpreter", async () => {
    await expect(probeInterpreter("/nonexistent/python9")).rejects.toMatchObject({
      code: "PYTHON_NOT_FOUND",
    });
    await expect(probeInterpreter("no-such-python-9")).rejects.toMatchObject({
      code: "PYTHON_NOT_FOUND",
    });
  });
});
