// Installing wheels as pip 23.2 does, case by case: each expectation was first observed with
//   PIP_CONFIG_FILE=/dev/null python3 -m pip --python VENV/bin/python install --no-index -f DIR NAME
// on wheels of the same shape (pip's _internal/operations/install/wheel.py and
// utils/wheel.py are where pip decides), then checked against the wheel and RECORD specs:
// https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// https://packaging.python.org/en/latest/specifications/recording-installed-packages/
// Wheels are written here byte for byte (not with the shared helper) so that WHEEL, the
// .dist-info and .data folder names can be anything a build tool might emit.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { type InstallEvent, installRequirements } from "../../../src/mirror/install/install.js";
import { probeInterpreter } from "../../../src/mirror/interpreter.js";
import { parseRecord } from "../../../src/pep/record.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { listTree, makeVenv } from "./env.js";

let root: string;
let count = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "wh-parity-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const digest = (b: Buffer) => `sha256=${createHash("sha256").update(b).digest("base64url")}`;

/**
 * A wheel `<file>-<version>-py3-none-any.whl` with `files` (paths from the wheel root) and a
 * dist-info `info` holding METADATA, WHEEL (`wheelVersion`) and a RECORD of everything.
 */
async function wheel(o: {
  file: string;
  version?: string;
  info?: string;
  name?: string;
  wheelVersion?: string;
  files?: Record<string, string>;
  entryPoints?: string;
}): Promise<[string, Buffer]> {
  const version = o.version ?? "1.0";
  const info = o.info ?? `${o.file}-${version}.dist-info`;
  const entries: [string, Buffer][] = Object.entries({
    [`${o.file}/__init__.py`]: "def main():\n    print('main ran')\n",
    ...o.files,
    [`${info}/METADATA`]: `Metadata-Version: 2.1\nName: ${o.name ?? o.file}\nVersion: ${version}\n\n`,
    [`${info}/WHEEL`]: `Wheel-Version: ${o.wheelVersion ?? "1.0"}\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n`,
    ...(o.entryPoints ? { [`${info}/entry_points.txt`]: o.entryPoints } : {}),
  }).map(([p, c]) => [p, Buffer.from(c)]);
  const record = `${entries.map(([p, c]) => `${p},${digest(c)},${c.length}`).join("\n")}\n${info}/RECORD,,\n`;
  entries.push([`${info}/RECORD`, Buffer.from(record)]);
  const zip = new ZipFile();
  for (const [p, c] of entries) zip.addBuffer(c, p, { mode: 0o100644 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return [`${o.file}-${version}-py3-none-any.whl`, Buffer.concat(chunks)];
}

/** A fresh venv (without pip) and an install into it from a find-links dir of `wheels`. */
async function setup() {
  const venv = join(root, `venv${count++}`);
  const python = makeVenv(venv);
  const info = await probeInterpreter(python);
  const events: InstallEvent[] = [];
  const install = async (wheels: [string, Buffer][], req: string) => {
    const dir = mkdtempSync(join(root, "links-"));
    for (const [name, bytes] of wheels) writeFileSync(join(dir, name), bytes);
    return installRequirements({
      requirements: [parseRequirement(req)],
      interpreter: info,
      findLinks: [dir],
      onEvent: (e) => events.push(e),
    });
  };
  const failure = (wheels: [string, Buffer][], req: string) =>
    install(wheels, req).then(
      () => undefined,
      (e: { code?: string; message: string }) => e,
    );
  return { venv, info, site: info.paths.purelib, events, install, failure };
}

describe("scripts", () => {
  it("leaves out .data/scripts wrappers named after an entry point (NAME, NAME.exe, NAME-script.py): the launcher replaces them", async () => {
    const { venv, site, install } = await setup();
    await install(
      [
        await wheel({
          file: "wrapped",
          files: {
            "wrapped-1.0.data/scripts/tool": "#!python\nprint('old wrapper')\n",
            "wrapped-1.0.data/scripts/tool.exe": "MZ",
            "wrapped-1.0.data/scripts/gui-script.py": "#!python\n",
            "wrapped-1.0.data/scripts/other": "#!python\nprint('other ran')\n",
          },
          entryPoints:
            "[console_scripts]\ntool = wrapped:main\n[gui_scripts]\ngui = wrapped:main\n",
        }),
      ],
      "wrapped",
    );
    const bin = join(venv, "bin");
    expect(readdirSync(bin).filter((n) => !/^(python|activate|Activate)/.test(n))).toEqual(
      expect.arrayContaining(["gui", "other", "tool"]),
    );
    for (const gone of ["tool.exe", "gui-script.py"])
      expect(existsSync(join(bin, gone))).toBe(false);
    expect(execFileSync(join(bin, "tool"), { encoding: "utf8" })).toBe("main ran\n");
    expect(execFileSync(join(bin, "other"), { encoding: "utf8" })).toBe("other ran\n");
    const paths = parseRecord(
      readFileSync(join(site, "wrapped-1.0.dist-info", "RECORD"), "utf8"),
    ).map((r) => r.path);
    expect(paths.filter((p) => p.endsWith("/bin/tool"))).toHaveLength(1);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("names pip's launchers after the target Python, as pip does (pip-24.0's wheel lists pip3.10)", async () => {
    const { venv, info, install } = await setup();
    const [major, minor] = info.version;
    const ep = (name: string) => `${name} = fakepip:main\n`;
    await install(
      [
        await wheel({
          file: "fakepip",
          name: "pip",
          info: "pip-24.0.dist-info",
          version: "24.0",
          entryPoints: `[console_scripts]\n${ep("pip")}${ep("pip3")}${ep(minor === 7 ? "pip3.8" : "pip3.7")}${ep("easy_install")}${ep("easy_install-3.7")}${ep("other")}`,
        }).then(([, bytes]) => ["pip-24.0-py3-none-any.whl", bytes] as [string, Buffer]),
      ],
      "pip",
    );
    const launchers = readdirSync(join(venv, "bin"))
      .filter((n) => !/^(python|activate|Activate)/.test(n))
      .sort();
    expect(launchers).toEqual(
      [
        "easy_install",
        `easy_install-${major}.${minor}`,
        "other",
        "pip",
        `pip${major}`,
        `pip${major}.${minor}`,
      ].sort(),
    );
  });

  it("runs a #!python script whose line has several arguments (the kernel passes them as one)", async () => {
    const { venv, install } = await setup();
    await install(
      [
        await wheel({
          file: "flags",
          files: {
            "flags-1.0.data/scripts/show-flags":
              "#!python -I -u\nimport sys\nprint(sys.flags.isolated, sys.flags.no_user_site)\n",
          },
        }),
      ],
      "flags",
    );
    expect(execFileSync(join(venv, "bin", "show-flags"), { encoding: "utf8" })).toBe("1 1\n");
  });
});

describe("the wheel's layout", () => {
  it("refuses a wheel with a second .dist-info folder, which would install as a phantom distribution", async () => {
    const { venv, failure } = await setup();
    const before = listTree(venv);
    const error = await failure(
      [
        await wheel({
          file: "twoinfo",
          files: { "vendored-2.0.dist-info/METADATA": "Name: vendored\nVersion: 2.0\n\n" },
        }),
      ],
      "twoinfo",
    );
    expect(error?.code).toBe("INVALID_WHEEL");
    expect(error?.message).toMatch(
      /several \.dist-info folders: twoinfo-1\.0\.dist-info, vendored-2\.0\.dist-info/,
    );
    expect(listTree(venv)).toEqual(before);
  });

  it("reads a .data folder spelled unlike the .dist-info as the data directory", async () => {
    const { venv, site, install } = await setup();
    await install(
      [
        await wheel({
          file: "norm_pkg",
          name: "Norm.Pkg",
          info: "Norm.Pkg-1.0.dist-info",
          files: {
            "norm_pkg-1.0.data/data/share/normpkg/x.txt": "x\n",
            // A top-level file, not a folder: it is no .data directory, whatever it ends with.
            "top.datax": "t",
          },
        }),
      ],
      "norm-pkg",
    );
    expect(readFileSync(join(venv, "share", "normpkg", "x.txt"), "utf8")).toBe("x\n");
    expect(existsSync(join(site, "norm_pkg-1.0.data"))).toBe(false);
    expect(readFileSync(join(site, "top.datax"), "utf8")).toBe("t");
  });

  it.each([
    ["0.9", "installs", false],
    ["1.0", "installs", false],
    ["1.9", "installs, with a warning", true],
  ])("Wheel-Version %s %s", async (wheelVersion, _what, warns) => {
    const { site, events, install } = await setup();
    await install([await wheel({ file: "wv", wheelVersion })], "wv");
    expect(existsSync(join(site, "wv-1.0.dist-info", "RECORD"))).toBe(true);
    const warnings = events.flatMap((e) => (e.kind === "warning" ? [e.message] : []));
    expect(warnings).toEqual(
      warns ? [expect.stringMatching(/"wv-1\.0-py3-none-any\.whl" has Wheel-Version "1\.9"/)] : [],
    );
  });

  it("refuses Wheel-Version 2.0", async () => {
    const { failure } = await setup();
    const error = await failure([await wheel({ file: "wv", wheelVersion: "2.0" })], "wv");
    expect(error?.code).toBe("INVALID_WHEEL");
    expect(error?.message).toMatch(/Wheel-Version "2\.0"; only 1\.x is installable/);
  });
});

describe("the installed RECORD and upgrades", () => {
  it("gives every row but RECORD's own a hash and size that match the file (INSTALLER, REQUESTED too)", async () => {
    const { site, install } = await setup();
    await install(
      [
        await wheel({
          file: "rec",
          entryPoints: "[console_scripts]\nrec = rec:main\n",
          // A wheel that ships an INSTALLER of its own: it is replaced, and listed once.
          files: { "rec-1.0.dist-info/INSTALLER": "someone else\n" },
        }),
      ],
      "rec",
    );
    const rows = parseRecord(readFileSync(join(site, "rec-1.0.dist-info", "RECORD"), "utf8"));
    expect(rows.map((r) => r.path)).toEqual(
      expect.arrayContaining(["rec-1.0.dist-info/INSTALLER", "rec-1.0.dist-info/REQUESTED"]),
    );
    expect(new Set(rows.map((r) => r.path)).size).toBe(rows.length);
    for (const row of rows) {
      if (row.path === "rec-1.0.dist-info/RECORD") {
        expect(row.hash).toBeUndefined();
        continue;
      }
      const bytes = readFileSync(join(site, row.path));
      expect(`${row.hash?.algorithm}=${row.hash?.digest}`, row.path).toBe(digest(bytes));
      expect(row.size, row.path).toBe(bytes.length);
    }
  });

  it("removes the folders an upgrade empties outside site-packages (share/<x>/, headers), keeping share/", async () => {
    const { venv, info, install } = await setup();
    const [major, minor] = info.version;
    await install(
      [
        await wheel({
          file: "uppkg",
          files: {
            "uppkg-1.0.data/data/share/uppkg/a.txt": "a",
            "uppkg-1.0.data/data/share/uppkg/deep/b.txt": "b",
            "uppkg-1.0.data/headers/u.h": "int u;\n",
          },
        }),
      ],
      "uppkg",
    );
    const headers = join(venv, "include", "site", `python${major}.${minor}`);
    expect(existsSync(join(headers, "uppkg", "u.h"))).toBe(true);
    await install([await wheel({ file: "uppkg", version: "2.0" })], "uppkg>=2");
    expect(existsSync(join(venv, "share", "uppkg"))).toBe(false);
    expect(existsSync(join(venv, "share"))).toBe(true);
    expect(existsSync(join(headers, "uppkg"))).toBe(false);
    expect(existsSync(headers)).toBe(true);
    expect(existsSync(join(venv, "bin", "python"))).toBe(true);
  });
});
