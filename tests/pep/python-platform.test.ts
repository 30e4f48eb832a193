// uv's --python-platform values read as platform tags (source: uv's TargetTriple).
import { describe, expect, it } from "vitest";
import { platformOfPythonPlatform } from "../../src/pep/python-platform.js";
import { parseTarget } from "../../src/pep/target.js";

describe("platformOfPythonPlatform", () => {
  it.each([
    ["linux", "manylinux_2_17_x86_64"],
    ["x86_64-unknown-linux-gnu", "manylinux_2_17_x86_64"],
    ["aarch64-unknown-linux-gnu", "manylinux_2_17_aarch64"],
    ["x86_64-unknown-linux-musl", "musllinux_1_2_x86_64"],
    ["aarch64-unknown-linux-musl", "musllinux_1_2_aarch64"],
    ["windows", "win_amd64"],
    ["x86_64-pc-windows-msvc", "win_amd64"],
    ["i686-pc-windows-msvc", "win32"],
    ["aarch64-pc-windows-msvc", "win_arm64"],
    ["macos", "macosx_13_0_arm64"],
    ["aarch64-apple-darwin", "macosx_13_0_arm64"],
    ["x86_64-apple-darwin", "macosx_13_0_x86_64"],
    ["x86_64-manylinux2014", "manylinux_2_17_x86_64"],
    ["aarch64-manylinux2014", "manylinux_2_17_aarch64"],
    ["x86_64-manylinux_2_28", "manylinux_2_28_x86_64"],
    ["aarch64-manylinux_2_40", "manylinux_2_40_aarch64"],
    [" X86_64-Unknown-Linux-GNU ", "manylinux_2_17_x86_64"],
  ])("reads %s as %s, a platform wheelhouse targets take", (value, tag) => {
    expect(platformOfPythonPlatform(value)).toBe(tag);
    expect(parseTarget(`cp312-${tag}`).platform).toBe(tag);
  });

  it("takes the macOS version of MACOSX_DEPLOYMENT_TARGET, as uv does", () => {
    expect(platformOfPythonPlatform("macos", "14")).toBe("macosx_14_0_arm64");
    expect(platformOfPythonPlatform("x86_64-apple-darwin", "10.15")).toBe("macosx_10_15_x86_64");
    expect(platformOfPythonPlatform("macos", "")).toBe("macosx_13_0_arm64");
    expect(() => platformOfPythonPlatform("macos", "fourteen")).toThrow(
      expect.objectContaining({
        code: "INVALID_TARGET",
        message: expect.stringContaining('"fourteen"'),
      }),
    );
  });

  it.each([
    ["freebsd", "not a platform uv names"],
    ["x86_64-manylinux_2_5", "not a platform uv names"],
    ["riscv64-unknown-linux-gnu", "not a platform uv names"],
    ["wasm32-pyodide2024", "not supported"],
  ])("refuses %s, quoting it", (value, why) => {
    expect(() => platformOfPythonPlatform(value)).toThrow(
      expect.objectContaining({
        code: "INVALID_TARGET",
        message: `--python-platform "${value}" is ${why}`,
        hint: expect.any(String),
      }),
    );
  });
});
