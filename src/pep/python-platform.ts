// uv's `--python-platform` values (target triples such as `x86_64-unknown-linux-gnu`, the
// aliases `linux`, `windows`, `macos`, and `ARCH-manylinux_2_N`) read as platform tags.
// Source: uv's TargetTriple (crates/uv-configuration/src/target_triple.rs), whose values follow
// Rust's target triples: a `-gnu` Linux triple is manylinux_2_17 (manylinux2014), a `-musl` one
// musllinux_1_2, an Apple one macOS 13.0 unless MACOSX_DEPLOYMENT_TARGET says otherwise.
// Traps:
// - uv lists manylinux_2_17, 2_28 and 2_31 to 2_40 by name; any `_2_N` with N >= 17 is taken
//   here, since a wheelhouse target takes every glibc version.
// - The macOS version comes from the caller (the environment is I/O): "14", "14.2" or "10.15".
// - Pyodide (`wasm32-pyodide2024`) is refused: wheelhouse's targets have no emscripten platform.

import { quote, WheelhouseError } from "./errors.js";

/** The triples and aliases uv accepts, with the platform tag each means (macOS: see below). */
const FIXED: Readonly<Record<string, string>> = {
  windows: "win_amd64",
  "x86_64-pc-windows-msvc": "win_amd64",
  "i686-pc-windows-msvc": "win32",
  "aarch64-pc-windows-msvc": "win_arm64",
  linux: "manylinux_2_17_x86_64",
  "x86_64-unknown-linux-gnu": "manylinux_2_17_x86_64",
  "aarch64-unknown-linux-gnu": "manylinux_2_17_aarch64",
  "x86_64-unknown-linux-musl": "musllinux_1_2_x86_64",
  "aarch64-unknown-linux-musl": "musllinux_1_2_aarch64",
  "x86_64-manylinux2014": "manylinux_2_17_x86_64",
  "aarch64-manylinux2014": "manylinux_2_17_aarch64",
};

/** Apple triples and the architecture of their platform tag. */
const APPLE: Readonly<Record<string, string>> = {
  macos: "arm64",
  "aarch64-apple-darwin": "arm64",
  "x86_64-apple-darwin": "x86_64",
};

/** What every message's hint lists. */
const KNOWN =
  "linux, windows, macos, x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu, " +
  "x86_64-unknown-linux-musl, aarch64-unknown-linux-musl, x86_64-pc-windows-msvc, " +
  "i686-pc-windows-msvc, aarch64-pc-windows-msvc, x86_64-apple-darwin, aarch64-apple-darwin, " +
  "x86_64-manylinux_2_28 (any glibc 2.17 or later), aarch64-manylinux2014";

/**
 * The platform tag a uv `--python-platform` value stands for.
 * @param value a triple or alias, e.g. `x86_64-unknown-linux-gnu`, `macos`,
 *   `aarch64-manylinux_2_28` (case-insensitive).
 * @param macosDeploymentTarget the `MACOSX_DEPLOYMENT_TARGET` to use for Apple triples ("14",
 *   "14.2", "10.15"); uv's default 13.0 when undefined or empty.
 * @returns a platform tag, e.g. `manylinux_2_17_x86_64`, `macosx_13_0_arm64`, `win_amd64`.
 * @throws WheelhouseError "INVALID_TARGET" quoting an unknown value or a malformed macOS version.
 */
export function platformOfPythonPlatform(value: string, macosDeploymentTarget?: string): string {
  const triple = value.trim().toLowerCase();
  const fixed = FIXED[triple];
  if (fixed !== undefined) return fixed;
  const appleArch = APPLE[triple];
  if (appleArch !== undefined) {
    const [major, minor] = macosVersion(macosDeploymentTarget);
    return `macosx_${major}_${minor}_${appleArch}`;
  }
  const manylinux = /^(x86_64|aarch64)-manylinux_2_(\d+)$/.exec(triple);
  if (manylinux !== null && Number(manylinux[2]) >= 17) {
    return `manylinux_2_${Number(manylinux[2])}_${manylinux[1]}`;
  }
  const pyodide = triple.startsWith("wasm32-");
  throw new WheelhouseError(
    "INVALID_TARGET",
    `--python-platform ${quote(value)} is ${pyodide ? "not supported" : "not a platform uv names"}`,
    {
      hint: pyodide
        ? "wheelhouse has no emscripten (Pyodide) targets"
        : `use one of ${KNOWN}, or pip's --platform TAG`,
    },
  );
}

function macosVersion(value: string | undefined): [number, number] {
  if (value === undefined || value.trim() === "") return [13, 0];
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (m === null) {
    throw new WheelhouseError(
      "INVALID_TARGET",
      `MACOSX_DEPLOYMENT_TARGET ${quote(value)} is not a macOS version`,
      { hint: 'write it as "14" or "10.15", or unset it for macOS 13.0' },
    );
  }
  return [Number(m[1]), Number(m[2] ?? 0)];
}
