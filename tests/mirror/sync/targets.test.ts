// Which targets a sync resolves for: --target specs, pip's one-target flags (filled in from the
// local interpreter), or the local interpreter.
import { describe, expect, it } from "vitest";
import { selectTargets } from "../../../src/mirror/sync/targets.js";
import { parseTarget } from "../../../src/pep/target.js";

const local = { ...parseTarget("cp311-manylinux_2_36_x86_64"), pythonFullVersion: "3.11.7" };

async function select(flags: Parameters<typeof selectTargets>[0]) {
  let probes = 0;
  const targets = await selectTargets(flags, async () => {
    probes++;
    return local;
  });
  return { targets, probes };
}

describe("selectTargets", () => {
  it("defaults to the local interpreter, probed once", async () => {
    const { targets, probes } = await select({});
    expect(targets).toEqual([local]);
    expect(probes).toBe(1);
  });

  it("takes several --target specs without probing, dropping repeats", async () => {
    const { targets, probes } = await select({
      target: ["cp312-win_amd64", "cp313-macosx_14_0_arm64", "cp312-win_amd64"],
    });
    expect(targets.map((t) => t.spec)).toEqual(["cp312-win_amd64", "cp313-macosx_14_0_arm64"]);
    expect(probes).toBe(0);
  });

  it.each([
    [{ pythonVersion: "3.12", platform: "win_amd64" }, "cp312-win_amd64", "3.12.0", 0],
    [{ pythonVersion: "312", platform: "win_amd64" }, "cp312-win_amd64", "3.12.0", 0],
    [
      { pythonVersion: "3.9.21", platform: "manylinux_2_28_x86_64" },
      "cp39-manylinux_2_28_x86_64",
      "3.9.21",
      0,
    ],
    [{ platform: "win_amd64" }, "cp311-win_amd64", "3.11.7", 1],
    [{ pythonVersion: "3.13" }, "cp313-manylinux_2_36_x86_64", "3.13.0", 1],
  ])("composes pip's flags %j into %s (Python %s)", async (flags, spec, full, probes) => {
    const got = await select(flags);
    expect(got.targets).toHaveLength(1);
    expect(got.targets[0].spec).toBe(spec);
    expect(got.targets[0].pythonFullVersion ?? `${got.targets[0].pythonVersion.join(".")}.0`).toBe(
      full,
    );
    expect(got.probes).toBe(probes);
  });

  it("reads uv's --python-platform as a platform, with pip's version flag or the local one", async () => {
    const linux = await select({
      pythonVersion: "3.12",
      pythonPlatform: ["x86_64-unknown-linux-gnu"],
    });
    expect(linux.targets.map((t) => t.spec)).toEqual(["cp312-manylinux_2_17_x86_64"]);
    expect(linux.probes).toBe(0);
    const several = await select({
      pythonPlatform: ["linux", "windows", "macos", "x86_64-manylinux2014"],
      macosDeploymentTarget: "14.0",
    });
    expect(several.targets.map((t) => t.spec)).toEqual([
      "cp311-manylinux_2_17_x86_64",
      "cp311-win_amd64",
      "cp311-macosx_14_0_arm64",
    ]);
    expect(several.probes).toBe(1);
  });

  it("refuses --python-platform beside --platform or --target, and unknown triples", async () => {
    for (const flags of [
      { pythonPlatform: ["linux"], platform: "win_amd64" },
      { pythonPlatform: ["linux"], target: ["cp312-win_amd64"] },
      { pythonPlatform: ["sparc-sun-solaris"] },
    ]) {
      await expect(select(flags)).rejects.toMatchObject({ code: "USAGE_INVALID_TARGET" });
    }
  });

  it("crosses several --python-version values with each platform", async () => {
    const got = await select({
      pythonVersion: ["3.11", "3.12.4", "3.11"],
      platform: ["manylinux_2_28_x86_64", "win_amd64"],
    });
    expect(got.targets.map((t) => [t.spec, t.pythonFullVersion])).toEqual([
      ["cp311-manylinux_2_28_x86_64", undefined],
      ["cp311-win_amd64", undefined],
      ["cp312-manylinux_2_28_x86_64", "3.12.4"],
      ["cp312-win_amd64", "3.12.4"],
    ]);
    expect(got.probes).toBe(0);
    const local = await select({ pythonVersion: ["3.10", "3.13"] });
    expect(local.targets.map((t) => t.spec)).toEqual([
      "cp310-manylinux_2_36_x86_64",
      "cp313-manylinux_2_36_x86_64",
    ]);
  });

  it("refuses --abi beside several versions, and checks every version", async () => {
    await expect(
      select({ pythonVersion: ["3.11", "3.12"], abi: "cp311", platform: "win_amd64" }),
    ).rejects.toMatchObject({ code: "USAGE_INVALID_TARGET" });
    await expect(select({ pythonVersion: ["3.11", "three"] })).rejects.toMatchObject({
      code: "USAGE_INVALID_TARGET",
      message: expect.stringContaining('"three"'),
    });
  });

  it("refuses --target mixed with pip's flags, and bad versions", async () => {
    await expect(
      select({ target: ["cp312-win_amd64"], platform: "win_amd64" }),
    ).rejects.toMatchObject({
      code: "USAGE_INVALID_TARGET",
    });
    await expect(select({ pythonVersion: "three", platform: "win_amd64" })).rejects.toMatchObject({
      code: "USAGE_INVALID_TARGET",
    });
  });

  it("checks every --target spec in full before any work, and trims it", async () => {
    for (const spec of ["cp311", "cp311-any", "nonsense"]) {
      await expect(select({ target: [spec] })).rejects.toMatchObject({
        code: "USAGE_INVALID_TARGET",
        message: expect.stringContaining(spec),
      });
    }
    const got = await select({ target: [" cp312-win_amd64 "] });
    expect(got.targets.map((t) => t.spec)).toEqual(["cp312-win_amd64"]);
  });

  it("drops a --target repeated in another spelling (case, legacy manylinux name, default ABI)", async () => {
    const { targets } = await select({
      target: [
        "cp311-manylinux2014_x86_64",
        "cp311-manylinux_2_17_x86_64",
        "CP311-MANYLINUX2014_X86_64",
        "cp311-cp311-manylinux_2_17_x86_64",
        "cp311-win_amd64",
      ],
    });
    expect(targets.map((t) => t.spec)).toEqual(["cp311-manylinux2014_x86_64", "cp311-win_amd64"]);
  });

  // pip download --platform X --platform Y --abi A --abi B: optparse's "append" action, one tag
  // list over all platforms (pip 23.2.1 cmdoptions.platforms / abis; compatibility_tags).
  it("takes pip's --platform given several times: one target each, repeats once", async () => {
    const { targets, probes } = await select({
      pythonVersion: "3.11",
      platform: ["manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux2014_x86_64"],
    });
    expect(targets.map((t) => t.platform)).toEqual([
      "manylinux_2_17_x86_64",
      "manylinux_2_28_x86_64",
    ]);
    expect(probes).toBe(0);
  });

  it.each([
    [["cp39", "abi3", "none"], ["cp39"]],
    [["abi3", "none"], ["abi3"]],
    [["none"], ["none"]],
    [
      ["cp39", "cp39d"],
      ["cp39", "cp39d"],
    ],
  ])("reads pip's --abi %j as the target ABIs %j", async (abi, expected) => {
    const { targets } = await select({ pythonVersion: "3.9", platform: "win_amd64", abi });
    expect(targets.map((t) => t.abi)).toEqual(expected);
  });

  it("checks pip's flags in full before any work: --platform any has no markers", async () => {
    await expect(select({ pythonVersion: "3.12", platform: "any" })).rejects.toMatchObject({
      code: "USAGE_INVALID_TARGET",
      message: expect.stringContaining("--platform"),
    });
    await expect(select({ pythonVersion: "3.12", platform: "solaris" })).rejects.toMatchObject({
      code: "USAGE_INVALID_TARGET",
      message: expect.stringContaining("solaris"),
    });
  });

  // pip without --abi asks packaging's _cpython_abis, which reads the running interpreter's build.
  it("keeps the local interpreter's free-threaded or debug ABI when --abi is not given", async () => {
    const threaded = parseTarget("cp313t-manylinux_2_36_x86_64");
    const got = await selectTargets({ platform: "win_amd64" }, async () => threaded);
    expect(got.map((t) => t.abi)).toEqual(["cp313t"]);
    expect(got[0].spec).toBe("cp313-cp313t-win_amd64");
    const other = await selectTargets(
      { pythonVersion: "3.12", platform: "win_amd64" },
      async () => threaded,
    );
    expect(other.map((t) => t.abi)).toEqual(["cp312"]);
    const fromFlags = await selectTargets(
      { platform: "win_amd64", abi: "cp313" },
      async () => threaded,
    );
    expect(fromFlags.map((t) => t.abi)).toEqual(["cp313"]);
  });
});
