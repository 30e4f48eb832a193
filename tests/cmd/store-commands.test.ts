// The store commands through the built CLI (`node dist/cli/wheelhouse.cjs`, built by
// `npx tsc -p tsconfig.build.json`), with real processes for the crash and concurrency cases.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobPathIn, storeLayout } from "../../src/store/layout.js";
import { corpusPath, HAS_CORPUS } from "../helpers/corpus.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../helpers/wheels.js";

const exec = promisify(execFile);
const BIN = new URL("../../dist/cli/wheelhouse.cjs", import.meta.url).pathname;
const STORE_INDEX = new URL("../../dist/store/index.js", import.meta.url).pathname;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wh-cli-store-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
async function freshDir(): Promise<string> {
  const dir = join(root, `d${counter++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function listJson(store: string): Promise<{ filename: string; sha256: string }[]> {
  const { code, stdout } = await cli(["list", "--store", store, "--json"]);
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

/** `count` wheels of `kb` KiB of incompressible data each, names w0..w{count-1}. */
async function manyWheels(count: number, kb: number): Promise<BuiltDistribution[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      buildWheel({ name: `w${i}`, version: "1.0", files: { "data.bin": randomBytes(kb * 1024) } }),
    ),
  );
}

describe("wheelhouse add, list, du, verify, gc", () => {
  it("adds files, lists them (text and --json), sizes them, verifies and collects", async () => {
    const dir = await freshDir();
    const store = join(dir, "store");
    const dists = [
      await buildWheel({ name: "Hello_World", version: "1.0" }),
      await buildWheel({
        name: "hello-world",
        version: "2.0",
        tags: "cp311-cp311-manylinux_2_17_x86_64",
      }),
    ];
    const paths = await writeDistributions(dir, dists);
    const add = await cli(["add", "--store", store, ...paths]);
    expect(add).toMatchObject({ code: 0, stderr: "" });
    expect(add.stdout).toContain(`added ${dists[0].filename}`);
    expect(add.stdout).toMatch(/2 added \(.+\), 0 unchanged, 0 failed/);

    const again = await cli(["add", "--json", ...paths], { WHEELHOUSE_STORE: store });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      added: [],
      unchanged: dists.map((d) => d.filename),
      failed: [],
    });

    const projects = await cli(["list", "--store", store]);
    expect(projects.stdout).toContain("Hello_World  2 files");
    const one = await cli(["list", "HELLO.world", "--store", store]);
    expect(one.stdout.split("\n").slice(0, 3)).toEqual([
      "Hello_World (hello-world)",
      "  1.0",
      expect.stringMatching(
        new RegExp(
          `^    ${dists[0].filename}  [0-9.]+ k?B  sha256:${dists[0].sha256.slice(0, 12)}$`,
        ),
      ),
    ]);
    const json = await listJson(store);
    expect(json.map((f) => f.filename)).toEqual(dists.map((d) => d.filename));
    expect(json[1]).toMatchObject({
      project: "hello-world",
      version: "2.0",
      sha256: dists[1].sha256,
      size: dists[1].bytes.length,
      tags: ["cp311-cp311-manylinux_2_17_x86_64"],
    });
    const missing = await cli(["list", "nope", "--store", store]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: project "nope" is not in the store');

    const du = await cli(["du", "--store", store, "--json"]);
    expect(JSON.parse(du.stdout)).toMatchObject({
      files: 2,
      size: dists[0].bytes.length + dists[1].bytes.length,
      projects: [{ name: "hello-world", displayName: "Hello_World", files: 2 }],
    });
    expect((await cli(["du", "--store", store])).stdout).toMatch(/total: 2 files in 1 project /);

    const verify = await cli(["verify", "--store", store]);
    expect(verify).toMatchObject({ code: 0, stderr: "" });
    expect(verify.stdout).toMatch(/2 files, 4 blobs, .* checked: all intact/);

    await writeFile(join(store, "tmp", "leftover.part"), "x");
    const gc = await cli(["gc", "--store", store, "--grace", "0", "--json"]);
    expect(JSON.parse(gc.stdout)).toMatchObject({ removedBlobs: 0, removedTmp: 1 });
    expect((await cli(["gc", "--store", store, "--grace", "soon"])).code).toBe(2);
    expect((await cli(["gc", "--store", store, "--grace", ""])).code).toBe(2);
    expect((await cli(["serve", "--store", store, "--port", ""])).code).toBe(2);
  });

  it("finds the store through XDG_DATA_HOME when neither --store nor WHEELHOUSE_STORE is set", async () => {
    const dir = await freshDir();
    const wheel = await buildWheel({ name: "xdg", version: "1.0" });
    const env = { XDG_DATA_HOME: dir, WHEELHOUSE_STORE: "" };
    expect((await cli(["add", ...(await writeDistributions(dir, [wheel]))], env)).code).toBe(0);
    expect(existsSync(join(dir, "wheelhouse", "catalog.db"))).toBe(true);
    expect((await cli(["list", "xdg", "--json"], env)).stdout).toContain(wheel.sha256);
  });

  it.skipIf(!existsSync("/usr/bin/script"))(
    "draws a progress bar on a terminal for many files",
    async () => {
      const dir = await freshDir();
      const paths = await writeDistributions(dir, await manyWheels(12, 1));
      const { stdout } = await exec("/usr/bin/script", [
        "-qec",
        [process.execPath, BIN, "add", "--store", join(dir, "store"), ...paths].join(" "),
        "/dev/null",
      ]);
      expect(stdout).toContain("files");
      expect(stdout).not.toContain("added w0-1.0");
      expect(stdout).toMatch(/12 added/);
    },
  );

  it("lists files in canonical-name then PEP 440 order, with and without PROJECT", async () => {
    const dir = await freshDir();
    const store = join(dir, "store");
    const dists = await Promise.all(
      [
        ["Zeta", "1.0"],
        ["order", "10.0"],
        ["order", "9.0"],
        ["order", "10.0rc1"],
        ["order", "1!0.1"],
        ["alpha", "2.0"],
      ].map(([name, version]) => buildWheel({ name, version })),
    );
    await cli(["add", "--store", store, ...(await writeDistributions(dir, dists))]);
    const expected = [
      "alpha-2.0",
      "order-9.0",
      "order-10.0rc1",
      "order-10.0",
      "order-1!0.1",
      "zeta-1.0",
    ];
    const all = await listJson(store);
    expect(all.map((f) => f.filename.split("-").slice(0, 2).join("-"))).toEqual(expected);
    const one = await cli(["list", "order", "--store", store, "--json"]);
    expect((JSON.parse(one.stdout) as { version: string }[]).map((f) => f.version)).toEqual([
      "9.0",
      "10.0rc1",
      "10.0",
      "1!0.1",
    ]);
    const text = await cli(["list", "order", "--store", store]);
    expect(text.stdout.split("\n").filter((l) => /^ {2}\S/.test(l))).toEqual([
      "  9.0",
      "  10.0rc1",
      "  10.0",
      "  1!0.1",
    ]);
  });

  it("verify reports a corrupt file by name and exits 1; --repair removes it", async () => {
    const dir = await freshDir();
    const store = join(dir, "store");
    const wheel = await buildWheel({ name: "victim", version: "1.0" });
    await cli(["add", "--store", store, ...(await writeDistributions(dir, [wheel]))]);
    const sha = wheel.sha256;
    await writeFile(blobPathIn(storeLayout(store), sha), "bad");
    const verify = await cli(["verify", "--store", store]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`error: corrupt ${wheel.filename}`);
    const repair = await cli(["verify", "--repair", "--store", store, "--json"]);
    expect(repair.code).toBe(1);
    expect(JSON.parse(repair.stdout).problems[0]).toMatchObject({ repaired: "removed" });
    expect(await listJson(store)).toEqual([]);
    expect((await cli(["verify", "--store", store])).code).toBe(0);
  });

  it("verify does not suggest --repair for an unreadable blob, which repair leaves alone", async () => {
    const dir = await freshDir();
    const store = join(dir, "store");
    const wheel = await buildWheel({ name: "locked", version: "1.0" });
    await cli(["add", "--store", store, ...(await writeDistributions(dir, [wheel]))]);
    const sha = wheel.sha256;
    const blob = blobPathIn(storeLayout(store), sha);
    // A directory where the blob should be: EISDIR, the way EACCES or EIO would be.
    await rm(blob);
    await mkdir(blob);
    const verify = await cli(["verify", "--store", store]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`error: unreadable ${wheel.filename}`);
    expect(verify.stderr).not.toContain("--repair");
    expect(verify.stderr).toContain("hint: an unreadable blob may well be intact");
  });

  it("refuses each bad input by name, stores the others, exits 1", async () => {
    const dir = await freshDir();
    const store = join(dir, "store");
    const good = await buildWheel({ name: "fine", version: "1.0" });
    const nometa = await buildWheel({ name: "nometa", version: "1.0", omitMetadata: true });
    const mismatch = await buildWheel({ name: "mismatch", version: "1.0" });
    const conflict = await buildWheel({ name: "fine", version: "1.0", files: { "z.py": "" } });
    const [goodPath, nometaPath] = await writeDistributions(dir, [good, nometa]);
    const bad = {
      notZip: join(dir, "notzip-1.0-py3-none-any.whl"),
      mismatch: join(dir, "mismatch-1.1-py3-none-any.whl"),
      unknown: join(dir, "tool-1.0.exe"),
      conflict: join(await freshDir(), good.filename),
    };
    await writeFile(bad.notZip, "this is not a zip");
    await writeFile(bad.mismatch, mismatch.bytes);
    await writeFile(bad.unknown, "MZ");
    await writeFile(bad.conflict, conflict.bytes);
    const first = await cli(["add", "--store", store, goodPath]);
    expect(first.code).toBe(0);
    const run = await cli([
      "add",
      "--store",
      store,
      nometaPath,
      bad.notZip,
      bad.mismatch,
      bad.unknown,
      bad.conflict,
      ...(await writeDistributions(await freshDir(), [
        await buildWheel({ name: "ok", version: "3" }),
      ])),
    ]);
    expect(run.code).toBe(1);
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(errors).toHaveLength(5);
    for (const [name, reason] of [
      ["nometa-1.0-py3-none-any.whl", "has no core metadata"],
      ["notzip-1.0-py3-none-any.whl", "is not a zip archive"],
      ["mismatch-1.1-py3-none-any.whl", "in its core metadata"],
      ["tool-1.0.exe", "is neither a wheel nor an sdist"],
      [good.filename, "is already stored with sha256"],
    ]) {
      expect(errors.some((e) => e.includes(name) && e.includes(reason))).toBe(true);
    }
    expect(run.stdout).toMatch(/1 added .* 5 failed/);
    const stored = await listJson(store);
    expect(stored.map((f) => f.filename)).toEqual([
      "fine-1.0-py3-none-any.whl",
      "ok-3-py3-none-any.whl",
    ]);
    expect(stored[0].sha256).toBe(good.sha256);
    const json = await cli(["add", "--store", store, "--json", bad.notZip]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).failed).toEqual([
      { path: bad.notZip, code: "NOT_A_ZIP", message: expect.stringContaining("notzip-1.0") },
    ]);
    expect((await cli(["verify", "--store", store])).code).toBe(0);
  });
});

describe("wheelhouse add under crashes and concurrency (real processes)", () => {
  it("survives kill -9 in the middle of add: verify is clean and a rerun completes", async () => {
    const dir = await freshDir();
    const store = join(dir, "store");
    const dists = await manyWheels(150, 200);
    const input = join(dir, "in");
    await mkdir(input);
    await writeDistributions(input, dists);
    const child = spawn(process.execPath, [BIN, "add", "--store", store, input]);
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("added ")) resolve();
      });
      child.on("exit", () => resolve());
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("close", resolve));
    expect(child.signalCode).toBe("SIGKILL");
    const partial = await listJson(store);
    expect(partial.length).toBeLessThan(dists.length);

    const verify = await cli(["verify", "--store", store]);
    expect(verify).toMatchObject({ code: 0, stderr: "" });
    const rerun = await cli(["add", "--store", store, input]);
    expect(rerun.code).toBe(0);
    expect(await listJson(store)).toHaveLength(dists.length);
    expect((await cli(["verify", "--store", store])).code).toBe(0);
    const gc = JSON.parse((await cli(["gc", "--store", store, "--grace", "0", "--json"])).stdout);
    expect(gc.removedBlobs).toBeGreaterThanOrEqual(0);
    expect((await cli(["verify", "--store", store])).code).toBe(0);
  }, 120_000);

  it("runs two adds on the same store at once while a reader queries the catalog", async () => {
    const dir = await freshDir();
    const store = join(dir, "store");
    const dists = await manyWheels(80, 20);
    const [a, b] = [join(dir, "a"), join(dir, "b")];
    await mkdir(a);
    await mkdir(b);
    await writeDistributions(a, dists.slice(0, 50));
    await writeDistributions(b, dists.slice(30));
    // the store must exist before the reader opens it
    const made = await import(STORE_INDEX);
    made.closeStore(await made.openStore(store));
    const stopFile = join(dir, "stop");
    const reader = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { existsSync } from "node:fs";
         const s = await import(${JSON.stringify(STORE_INDEX)});
         const store = await s.openStore(${JSON.stringify(store)});
         let queries = 0, errors = 0, maxFiles = 0;
         while (!existsSync(${JSON.stringify(stopFile)})) {
           try {
             for (const p of s.listProjects(store)) {
               const files = s.listFiles(store, p.name);
               if (files.length === 0) throw new Error("project without files: " + p.name);
               s.findFile(store, files[0].filename);
               queries += 3;
             }
             maxFiles = Math.max(maxFiles, s.diskUsage(store).files);
           } catch (e) { errors++; console.error(String(e)); }
           await new Promise((r) => setTimeout(r, 2));
         }
         s.closeStore(store);
         console.log(JSON.stringify({ queries, errors, maxFiles }));`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let readerOut = "";
    let readerErr = "";
    reader.stdout.on("data", (c: Buffer) => {
      readerOut += c.toString();
    });
    reader.stderr.on("data", (c: Buffer) => {
      readerErr += c.toString();
    });
    const [ra, rb] = await Promise.all([
      cli(["add", "--store", store, a]),
      cli(["add", "--store", store, b]),
    ]);
    await writeFile(stopFile, "");
    await new Promise((resolve) => reader.on("close", resolve));
    expect(ra).toMatchObject({ code: 0, stderr: "" });
    expect(rb).toMatchObject({ code: 0, stderr: "" });
    expect(readerErr).toBe("");
    const stats = JSON.parse(readerOut);
    expect(stats.errors).toBe(0);
    expect(stats.queries).toBeGreaterThan(0);
    const stored = await listJson(store);
    expect(stored.map((f) => f.filename).sort()).toEqual(dists.map((d) => d.filename).sort());
    expect((await cli(["verify", "--store", store])).code).toBe(0);
  }, 120_000);
});

describe.skipIf(!HAS_CORPUS)("wheelhouse add on the shared corpus", () => {
  it("adds corpus/wheels and corpus/build", async () => {
    const store = join(await freshDir(), "store");
    const run = await cli([
      "add",
      "--store",
      store,
      "--json",
      corpusPath("wheels"),
      corpusPath("build"),
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.failed).toEqual([]);
    expect(report.added.length).toBeGreaterThanOrEqual(50);
    const flask = (await listJson(store)).find((f) => f.filename.startsWith("flask-"));
    expect(flask).toBeDefined();
    expect((await cli(["verify", "--store", store])).code).toBe(0);
  }, 120_000);
});
