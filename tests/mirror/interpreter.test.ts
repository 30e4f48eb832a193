import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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

// Builds this machine is not (a debug or free-threaded CPython, a Mac): python3 run through a
// small script that changes what sysconfig/platform answer before running the probe's code, the
// way such a build would answer. Each answer is checked against packaging's _cpython_abis and
// mac_platforms asked through the same stand-in.
describe("probeInterpreter on other builds", () => {
  const shim = `
import json, os, platform, sys, sysconfig
CONFIG = json.loads(os.environ.get("WH_SHIM_CONFIG") or CONFIG_TEXT)
real = sysconfig.get_config_var
sysconfig.get_config_var = lambda name: CONFIG["vars"][name] if name in CONFIG["vars"] else real(name)
if "glibc" in CONFIG:
    os.confstr = lambda name: CONFIG["glibc"]
if CONFIG.get("refcount"):
    sys.gettotalrefcount = lambda: 0
if "mac" in CONFIG:
    sysconfig.get_config_vars()  # read for this machine before it claims to be a Mac
    sys.platform = "darwin"
    real_os = os.environ.get("SYSTEM_VERSION_COMPAT") == "0"
    release = CONFIG["mac"]["real" if real_os else "reported"]
    platform.mac_ver = lambda *a, **k: (release, ("", "", ""), CONFIG["mac"]["machine"])
    sys.executable = CONFIG["self"]
args = sys.argv[1:]
code = args[args.index("-c") + 1]
sys.argv = ["-c"]
exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
`;

  async function probeAs(config: Record<string, unknown>) {
    const root = mkdtempSync(join(tmpdir(), "wh-shim-"));
    const saved = process.env.WHEELHOUSE_CACHE_DIR;
    try {
      process.env.WHEELHOUSE_CACHE_DIR = join(root, "cache");
      const python = oracle("import sys; print(sys.executable)");
      const self = join(root, "python");
      const text = JSON.stringify({ ...config, self });
      writeFileSync(join(root, "shim.py"), `CONFIG_TEXT = ${JSON.stringify(text)}\n${shim}`);
      writeFileSync(self, `#!/bin/sh\nexec '${python}' '${join(root, "shim.py")}' "$@"\n`);
      chmodSync(self, 0o755);
      // packaging's own answer from the same stand-in: the first ABI and platform it lists.
      const asked = execFileSync(
        self,
        [
          "-c",
          "import sys; from packaging import _manylinux, tags\n" +
            "abi = tags._cpython_abis(sys.version_info[:2])[0]\n" +
            "plat = next(iter(tags.mac_platforms())) if sys.platform == 'darwin' else None\n" +
            "print(abi, plat, '%d_%d' % _manylinux._get_glibc_version())",
        ],
        { encoding: "utf8" },
      )
        .trim()
        .split(" ");
      return {
        info: await probeInterpreter(self),
        abi: asked[0],
        platform: asked[1],
        glibc: asked[2],
      };
    } finally {
      if (saved === undefined) delete process.env.WHEELHOUSE_CACHE_DIR;
      else process.env.WHEELHOUSE_CACHE_DIR = saved;
      rmSync(root, { recursive: true, force: true });
    }
  }

  const [major, minor] = oracle("import sys; print(*sys.version_info[:2])").split(" ").map(Number);
  const cp = `cp${major}${minor}`;

  it.each([
    // Free-threading comes before debug (cp313td), and only from 3.13 on.
    [{ Py_DEBUG: 1, Py_GIL_DISABLED: 1 }, false, minor >= 13 ? `${cp}td` : `${cp}d`],
    [{ Py_DEBUG: 1, Py_GIL_DISABLED: 0 }, false, `${cp}d`],
    [{ Py_DEBUG: null }, true, `${cp}d`],
    [{ Py_DEBUG: null }, false, `${cp}`],
    [{ Py_DEBUG: 0 }, true, `${cp}`],
  ])("config vars %j, sys.gettotalrefcount %s: ABI %s", async (vars, refcount, abi) => {
    const got = await probeAs({ vars, refcount });
    expect(got.info.abiTag).toBe(abi);
    expect(got.info.abiTag).toBe(got.abi);
  });

  it.each([
    // A Python built against an old SDK reads 10.16 on macOS 11+; the real release is asked.
    [{ reported: "10.16", real: "14.5", machine: "arm64" }, "macosx_14_0_arm64"],
    [{ reported: "10.16", real: "11.2.3", machine: "x86_64" }, "macosx_11_0_x86_64"],
    [{ reported: "13.1", real: "13.1", machine: "x86_64" }, "macosx_13_0_x86_64"],
    [{ reported: "10.15.7", real: "10.15.7", machine: "x86_64" }, "macosx_10_15_x86_64"],
  ])("macOS %j: platform %s", async (mac, platform) => {
    const got = await probeAs({ vars: {}, mac });
    expect(got.info.platform).toBe(platform);
    expect(got.info.platform).toBe(got.platform);
  });

  it.each([
    ["glibc 2.35", "2_35"],
    ["glibc 2.20-2014.11", "2_20"],
  ])("reads confstr %j as glibc %s, as packaging does", async (glibc, version) => {
    const got = await probeAs({ vars: {}, glibc });
    expect(got.glibc).toBe(version);
    expect(got.info.platform).toMatch(new RegExp(`^manylinux_${version}_`));
  });
});
