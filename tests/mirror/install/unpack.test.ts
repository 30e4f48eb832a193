import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installRequirements } from "../../../src/mirror/install/install.js";
import { probeInterpreter } from "../../../src/mirror/interpreter.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { buildWheel, type WheelSpec, writeDistributions } from "../../helpers/wheels.js";
import { listTree, makeVenv } from "./env.js";

let root: string;
let venv: string;
let python: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "wh-unpack-"));
  venv = join(root, "venv");
  python = makeVenv(venv);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function install(
  specs: WheelSpec[],
  reqs: string[],
  extra: { raw?: [string, Buffer][] } = {},
) {
  const dir = mkdtempSync(join(root, "links-"));
  await writeDistributions(dir, await Promise.all(specs.map(buildWheel)));
  for (const [name, bytes] of extra.raw ?? []) writeFileSync(join(dir, name), bytes);
  return installRequirements({
    requirements: reqs.map(parseRequirement),
    interpreter: await probeInterpreter(python),
    findLinks: [dir],
  });
}

describe("installing generated wheels", () => {
  it("installs modules, .data dirs, launchers and a dist-info pip reads", async () => {
    const report = await install(
      [
        {
          name: "demo-pkg",
          version: "1.0",
          requiresDist: ["dep>=2"],
          files: {
            "demo_pkg/__init__.py": "def main():\n    print('demo ran')\n",
            "demo_pkg-1.0.data/scripts/demo-raw": "#!python\nprint('raw script')\n",
            "demo_pkg-1.0.data/data/share/demo/readme.txt": "hello\n",
            "demo_pkg-1.0.data/headers/demo.h": "int x;\n",
          },
          symlinks: { "demo_pkg/alias.py": "__init__.py" },
          entryPoints: "[console_scripts]\ndemo = demo_pkg:main\n",
        },
        { name: "dep", version: "2.1" },
        { name: "dep", version: "1.0" },
      ],
      ["demo-pkg"],
    );
    expect(report.installed.map((p) => `${p.name} ${p.version}`)).toEqual([
      "demo-pkg 1.0",
      "dep 2.1",
    ]);
    const bin = join(venv, "bin");
    expect(execFileSync(join(bin, "demo"), { encoding: "utf8" })).toBe("demo ran\n");
    expect(execFileSync(join(bin, "demo-raw"), { encoding: "utf8" })).toBe("raw script\n");
    expect(readFileSync(join(venv, "share", "demo", "readme.txt"), "utf8")).toBe("hello\n");
    // pip's place for headers: include/site/pythonX.Y/<project>/ in a venv.
    const py = execFileSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
      encoding: "utf8",
    }).trim();
    expect(
      readFileSync(join(venv, "include", "site", `python${py}`, "demo-pkg", "demo.h"), "utf8"),
    ).toBe("int x;\n");
    const info = await probeInterpreter(python);
    const distInfo = join(info.paths.purelib, "demo_pkg-1.0.dist-info");
    expect(readFileSync(join(distInfo, "INSTALLER"), "utf8")).toBe("wheelhouse\n");
    expect(existsSync(join(distInfo, "REQUESTED"))).toBe(true);
    expect(existsSync(join(info.paths.purelib, "dep-2.1.dist-info", "REQUESTED"))).toBe(false);
    const record = readFileSync(join(distInfo, "RECORD"), "utf8");
    expect(record).toContain("../../../bin/demo,sha256=");
    expect(record).toContain("demo_pkg/alias.py,");
    // Python's own importlib.metadata reads what was written.
    const out = execFileSync(
      python,
      [
        "-c",
        "import importlib.metadata as m; d=m.distribution('demo-pkg'); print(d.version, len(d.files), d.requires)",
      ],
      { encoding: "utf8" },
    );
    expect(out.trim()).toMatch(/^1\.0 \d+ \['dep>=2'\]$/);
  });

  it("merges wheels that share a directory (namespace package, bin) and leaves no staging dirs", async () => {
    await install(
      [
        {
          name: "ns-a",
          version: "1.0",
          requiresDist: ["ns-b"],
          files: { "nsshared/a/__init__.py": "A = 1\n" },
          entryPoints: "[console_scripts]\nns-a = nsshared.a:A\n",
        },
        { name: "ns-b", version: "1.0", files: { "nsshared/b/__init__.py": "B = 2\n" } },
      ],
      ["ns-a"],
    );
    const out = execFileSync(
      python,
      ["-c", "import nsshared.a, nsshared.b; print(nsshared.a.A + nsshared.b.B)"],
      {
        encoding: "utf8",
      },
    );
    expect(out.trim()).toBe("3");
    expect(existsSync(join(venv, "bin", "ns-a"))).toBe(true);
    expect(listTree(venv).filter((p) => p.includes(".whtmp-"))).toEqual([]);
  });

  it("keeps what satisfies and upgrades by removing the old files", async () => {
    const a = await install(
      [{ name: "keep-me", version: "1.0", files: { "keep_me/old.py": "" } }],
      ["keep-me"],
    );
    expect(a.installed).toHaveLength(1);
    // Some tools list directories in RECORD: removing the old version must cope with that.
    const record = join(
      (await probeInterpreter(python)).paths.purelib,
      "keep_me-1.0.dist-info",
      "RECORD",
    );
    writeFileSync(record, `${readFileSync(record, "utf8")}keep_me/,,\n`);
    const b = await install(
      [{ name: "keep-me", version: "1.0", files: { "keep_me/old.py": "" } }],
      ["keep-me"],
    );
    expect(b.installed).toHaveLength(0);
    expect(b.kept.map((k) => k.version)).toEqual(["1.0"]);
    const info = await probeInterpreter(python);
    const c = await installRequirements({
      requirements: [parseRequirement("keep-me>=2")],
      interpreter: info,
      findLinks: [
        await (async () => {
          const d = mkdtempSync(join(root, "up-"));
          await writeDistributions(d, [
            await buildWheel({ name: "keep-me", version: "2.0", files: { "keep_me/new.py": "" } }),
          ]);
          return d;
        })(),
      ],
    });
    expect(c.removed.map((r) => r.version)).toEqual(["1.0"]);
    expect(existsSync(join(info.paths.purelib, "keep_me", "old.py"))).toBe(false);
    expect(existsSync(join(info.paths.purelib, "keep_me", "new.py"))).toBe(true);
    expect(existsSync(join(info.paths.purelib, "keep_me-1.0.dist-info"))).toBe(false);
  });
});

const good = (name: string, more: Partial<WheelSpec> = {}): WheelSpec => ({
  name,
  version: "1.0",
  ...more,
});

// Each bad wheel sits beside a good one it depends on, so the failure comes mid-install.
const BAD: [string, WheelSpec | "corrupt", string, RegExp][] = [
  ["corrupt zip", "corrupt", "NOT_A_ZIP", /bad_corrupt-1\.0-py3-none-any\.whl/],
  [
    "RECORD hash mismatch",
    good("bad-hash", {
      editRecord: (l) =>
        l.map((x) =>
          x.startsWith("bad_hash/__init__.py") ? x.replace(/sha256=[^,]+/, "sha256=AAAA") : x,
        ),
    }),
    "RECORD_HASH_MISMATCH",
    /bad_hash\/__init__\.py/,
  ],
  [
    "RECORD size mismatch",
    good("bad-size", {
      files: { "bad_size/__init__.py": "x = 1\n" },
      editRecord: (l) =>
        l.map((x) => (x.startsWith("bad_size/__init__.py") ? x.replace(/,\d+$/, ",99") : x)),
    }),
    "RECORD_SIZE_MISMATCH",
    /"bad_size\/__init__\.py" of 6 bytes; its RECORD says 99/,
  ],
  [
    "missing RECORD entry",
    good("bad-missing", { editRecord: (l) => l.filter((x) => !x.startsWith("bad_missing/")) }),
    "RECORD_MISSING_ENTRY",
    /bad_missing\/__init__\.py/,
  ],
  [
    "../ entry",
    good("bad-dots", {
      files: { "bad_dots/__init__.py": "", "xx/evil.py": "x" },
      renameEntries: { "xx/evil.py": "../evil.py" },
    }),
    "UNSAFE_WHEEL_ENTRY",
    /"\.\.\/evil\.py".*relative path/,
  ],
  [
    "absolute entry",
    good("bad-abs", {
      files: { "bad_abs/__init__.py": "", "xtmp/evil.py": "x" },
      renameEntries: { "xtmp/evil.py": "/tmp/evil.py" },
    }),
    "UNSAFE_WHEEL_ENTRY",
    /absolute/,
  ],
  [
    "link escaping the target",
    good("bad-link", { symlinks: { "bad_link/passwd": "../../../../../../etc/passwd" } }),
    "UNSAFE_WHEEL_ENTRY",
    /pointing outside/,
  ],
  [
    "wrong platform",
    good("bad-plat", { tags: "cp311-cp311-win_amd64" }),
    "NO_MATCHING_DISTRIBUTION",
    /win_amd64/,
  ],
];

describe("bad wheels fail and leave the environment as it was", () => {
  it.each(BAD)("%s", async (_label, spec, code, message) => {
    const name = spec === "corrupt" ? "bad-corrupt" : spec.name;
    const specs: WheelSpec[] = [good("ok-first", { requiresDist: [name] })];
    const raw: [string, Buffer][] = [];
    if (spec === "corrupt")
      raw.push([
        "bad_corrupt-1.0-py3-none-any.whl",
        Buffer.from("PK\u0003\u0004 this is not a zip"),
      ]);
    else specs.push(spec);
    const before = listTree(venv);
    const error = await install(specs, ["ok-first"], { raw }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe(code);
    expect(error?.message).toMatch(message);
    expect(listTree(venv)).toEqual(before);
  });
});

describe("a member whose bytes fail the zip directory's CRC-32", () => {
  it("fails as CORRUPT_ARCHIVE naming the member, and leaves the environment as it was", async () => {
    const wheel = await buildWheel(
      good("bad-crc", { files: { "bad_crc/__init__.py": "x = 1\n" } }),
    );
    const bytes = Buffer.from(wheel.bytes);
    // The central directory entry (signature PK\x01\x02) holds the name 46 bytes in and the
    // CRC-32 16 bytes in; the local header's copy is not read.
    const header = bytes.lastIndexOf("bad_crc/__init__.py") - 46;
    expect(bytes.readUInt32LE(header)).toBe(0x02014b50);
    bytes[header + 16] ^= 0xff;
    const before = listTree(venv);
    const error = await install([good("ok-crc", { requiresDist: ["bad-crc"] })], ["ok-crc"], {
      raw: [[wheel.filename, bytes]],
    }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe("CORRUPT_ARCHIVE");
    expect(error?.message).toMatch(
      /bad_crc-1\.0-py3-none-any\.whl.*"bad_crc\/__init__\.py" fails its CRC-32 check/,
    );
    expect(listTree(venv)).toEqual(before);
  });
});
