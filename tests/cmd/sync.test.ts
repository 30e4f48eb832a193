// `wheelhouse sync` end to end: the built CLI as a real process, against `wheelhouse serve` (a
// store filled with `wheelhouse add`) and against a slow loopback server for kill -9.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePylock } from "../../src/pep/pylock.js";
import { CLI, type ServeProcess, startServe, wheelhouse } from "../helpers/cli.js";
import { startFakeIndex } from "../helpers/fake-index.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../helpers/wheels.js";
import { generatedProjects, THREE_TARGETS } from "../mirror/sync/sync-fixtures.js";
import { noise } from "../mirror/upstream/helpers.js";

let dir: string;
let serve: ServeProcess;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-cmd-sync-"));
  const projects = await generatedProjects();
  const files = Object.values(projects).flatMap((list) => list.map((f) => f.dist));
  await writeDistributions(join(dir), files);
  const added = await wheelhouse(["add", "--store", join(dir, "up"), dir]);
  expect(added.code).toBe(0);
  serve = await startServe(["--store", join(dir, "up"), "--quiet"]);
  env = { ...process.env, WHEELHOUSE_INDEX_URL: `${serve.url}/simple/` };
  await writeFile(join(dir, "requirements.txt"), "app\ntool  # built from its sdist\n");
}, 60_000);
afterAll(async () => {
  await serve?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** `wheelhouse sync --store STORE -r requirements.txt --target cp311-manylinux_2_28_x86_64 ...more`. */
function syncRequirements(store: string, ...more: string[]) {
  const target = ["--target", "cp311-manylinux_2_28_x86_64"];
  return wheelhouse(
    ["sync", "--store", store, "-r", join(dir, "requirements.txt"), ...target, ...more],
    env,
  );
}

describe("wheelhouse sync", () => {
  it("syncs -r requirements.txt from WHEELHOUSE_INDEX_URL, then skips it all", async () => {
    const store = join(dir, "s1");
    const first = await syncRequirements(store);
    expect(first.stderr).toContain("downloading 5 files");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/cp311-manylinux_2_28_x86_64: 5 projects, 5 files added/);
    const second = await syncRequirements(store, "--json");
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.summary).toMatchObject({ filesAdded: 0, filesSkipped: 5 });
    const app = report.targets[0].packages.find((p: { name: string }) => p.name === "app");
    expect(app.files[0]).toMatchObject({
      filename: "app-1.0-py3-none-any.whl",
      url: expect.stringContaining(serve.url),
    });
    expect(app.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);

  it("-q prints nothing but warnings and errors, and still writes --lock", async () => {
    const store = join(dir, "s-quiet");
    const lock = join(dir, "pylock.quiet.toml");
    const ran = await syncRequirements(store, "-q", "--lock", lock);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toBe("");
    // Only warnings (this requirements file's sdist reads its dependencies from PKG-INFO).
    const lines = ran.stderr.split("\n").filter((l) => l !== "");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => !l.startsWith("warning: "))).toEqual([]);
    expect(existsSync(lock)).toBe(true);
    expect((await readdir(join(store, "blobs"))).length).toBeGreaterThan(0);
  }, 60_000);

  it("takes --platform several times, as pip does, and --python-version too: one target each", async () => {
    const ran = await wheelhouse(
      [
        "sync",
        "--store",
        join(dir, "s-platforms"),
        "--dry-run",
        "--json",
        "app",
        "--python-version",
        "3.12",
        "--python-version",
        "3.13",
        "--platform",
        "manylinux_2_28_x86_64",
        "--platform",
        "win_amd64",
      ],
      env,
    );
    expect(ran.code, ran.stderr).toBe(0);
    const targets = (JSON.parse(ran.stdout).targets as { target: string }[]).map((t) => t.target);
    expect(targets).toEqual([
      "cp312-manylinux_2_28_x86_64",
      "cp312-win_amd64",
      "cp313-manylinux_2_28_x86_64",
      "cp313-win_amd64",
    ]);
  }, 60_000);

  it("takes uv's --python-platform, macOS by MACOSX_DEPLOYMENT_TARGET, and refuses unknown ones", async () => {
    const ran = await wheelhouse(
      [
        "sync",
        "--store",
        join(dir, "s-python-platforms"),
        "--dry-run",
        "--json",
        "app",
        "--python-version",
        "3.12",
        "--python-platform",
        "x86_64-unknown-linux-gnu",
        "--python-platform",
        "macos",
      ],
      { ...env, MACOSX_DEPLOYMENT_TARGET: "14.0" },
    );
    expect(ran.code, ran.stderr).toBe(0);
    const targets = (JSON.parse(ran.stdout).targets as { target: string }[]).map((t) => t.target);
    expect(targets).toEqual(["cp312-manylinux_2_17_x86_64", "cp312-macosx_14_0_arm64"]);
    const bad = await wheelhouse(
      [
        "sync",
        "--store",
        join(dir, "s-python-platforms"),
        "--dry-run",
        "app",
        "--python-platform",
        "x86_64-sun-solaris",
      ],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--python-platform "x86_64-sun-solaris" is not a platform uv names',
    );
  }, 60_000);

  it("writes a pylock.toml for three targets and hashed requirements per target", async () => {
    const lock = join(dir, "pylock.toml");
    const reqs = join(dir, "locked.txt");
    const args = [
      "sync",
      "--store",
      join(dir, "s2"),
      "--dry-run",
      "app",
      "--lock",
      lock,
      "--requirements-out",
      reqs,
    ];
    const ran = await wheelhouse([...args, ...THREE_TARGETS.flatMap((t) => ["--target", t])], env);
    expect(ran.code).toBe(0);
    const parsed = parsePylock(await readFile(lock, "utf8"));
    expect(parsed.environments).toHaveLength(3);
    // written through a temporary name, renamed into place: none is left behind
    expect((await readdir(dir)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(parsed.packages.find((p) => p.name === "winshim")?.marker).toContain(
      'sys_platform == "win32"',
    );
    for (const t of THREE_TARGETS) {
      const text = await readFile(join(dir, `locked.${t}.txt`), "utf8");
      expect(text).toMatch(/^app==1\.0 \\\n {4}--hash=sha256:[0-9a-f]{64}$/m);
    }
    // The same lock read back as a newer minor lock-version: used, with PEP 751's warning.
    const newer = join(dir, "pylock.newer.toml");
    await writeFile(
      newer,
      (await readFile(lock, "utf8")).replace(/^lock-version = .*$/m, 'lock-version = "1.1"'),
    );
    const again = await wheelhouse(
      [
        "sync",
        "--store",
        join(dir, "s2"),
        "--dry-run",
        "-r",
        newer,
        ...THREE_TARGETS.flatMap((t) => ["--target", t]),
      ],
      env,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^warning: .*lock-version.*1\.1/m);
  }, 60_000);

  it("hashes find-links files for --requirements-out, --lock and --json (their source states none)", async () => {
    const links = join(dir, "flat");
    await mkdir(links);
    await writeDistributions(links, [
      await buildWheel({ name: "flat-app", version: "1.0", requiresDist: ["flat-lib"] }),
      await buildWheel({ name: "flat-lib", version: "2.0" }),
    ]);
    const reqs = join(dir, "flat-reqs.txt");
    const ran = await wheelhouse(
      [
        "sync",
        "--store",
        join(dir, "s-flat"),
        "--no-index",
        "-f",
        links,
        "flat-app",
        "--target",
        "cp311-manylinux_2_28_x86_64",
        "--requirements-out",
        reqs,
        "--lock",
        join(dir, "pylock.flat.toml"),
        "--json",
      ],
      env,
    );
    expect(ran.code, ran.stderr).toBe(0);
    const text = await readFile(reqs, "utf8");
    expect(text).toMatch(/^flat-app==1\.0 \\\n {4}--hash=sha256:[0-9a-f]{64}$/m);
    expect(text).toMatch(/^flat-lib==2\.0 \\\n {4}--hash=sha256:[0-9a-f]{64}$/m);
    const lock = parsePylock(await readFile(join(dir, "pylock.flat.toml"), "utf8"));
    expect(lock.packages.map((p) => p.wheels?.[0].hashes.sha256)).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}$/),
      expect.stringMatching(/^[0-9a-f]{64}$/),
    ]);
    const files = JSON.parse(ran.stdout).targets[0].packages.map(
      (p: { files: { sha256: string }[] }) => p.files[0].sha256,
    );
    expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.any(String)]);
  }, 60_000);

  it("writes no --lock or --requirements-out when a file could not be stored, and still reports", async () => {
    const links = join(dir, "flat-bad");
    await mkdir(links);
    const good = await buildWheel({ name: "good-one", version: "1.0", requiresDist: ["bad-one"] });
    const bad = await buildWheel({ name: "bad-one", version: "1.0" });
    await writeDistributions(links, [good, bad]);
    const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");
    // A page stating only md5 (no sha256): the bad file's is wrong, so it is never stored.
    await writeFile(
      join(links, "links.html"),
      `<a href="${good.filename}#md5=${md5(good.bytes)}">${good.filename}</a>\n` +
        `<a href="${bad.filename}#md5=${"0".repeat(32)}">${bad.filename}</a>\n`,
    );
    const lock = join(dir, "pylock.bad.toml");
    const reqs = join(dir, "bad-reqs.txt");
    await writeFile(lock, "# an earlier lock\n");
    const ran = await wheelhouse(
      [
        ...["sync", "--store", join(dir, "s-bad"), "--no-index", "-f", join(links, "links.html")],
        ...["good-one", "--target", "cp311-manylinux_2_28_x86_64", "--json"],
        ...["--lock", lock, "--requirements-out", reqs],
      ],
      env,
    );
    expect(ran.code, ran.stderr).toBe(1);
    // The report, not an error about the output (it was LOCK_HASH_MISSING, and no report).
    const report = JSON.parse(ran.stdout);
    expect(report.failed.map((f: { code: string }) => f.code)).toEqual(["HASH_MISMATCH"]);
    expect(report.summary.filesAdded).toBe(1);
    expect(ran.stderr).toContain(`not written: ${lock}, ${reqs}`);
    expect(await readFile(lock, "utf8")).toBe("# an earlier lock\n");
    expect(existsSync(reqs)).toBe(false);
  }, 60_000);

  it("downloads with the index URL's credentials from a server that asks for them everywhere", async () => {
    const auth = { username: "ci", password: "s3c:r@t" };
    const wheel = await buildWheel({ name: "locked-up", version: "1.0" });
    const index = await startFakeIndex({ auth, projects: { "locked-up": [{ dist: wheel }] } });
    try {
      const url = new URL(index.indexUrl);
      url.username = auth.username;
      url.password = encodeURIComponent(auth.password);
      const ran = await wheelhouse([
        ...["sync", "locked-up", "--store", join(dir, "s-auth"), "--index-url", url.href],
        ...["--target", "cp311-manylinux_2_28_x86_64"],
      ]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toContain("1 file added");
      expect(index.count(`/files/${wheel.filename}`)).toBe(1);
      expect(`${ran.stdout}${ran.stderr}`).not.toContain(auth.password);
    } finally {
      await index.close();
    }
  }, 60_000);

  it.each([
    [["sync", "--store", "x"], 2, "no requirements"],
    [["sync", "app", "--concurrency", "0"], 2, "--concurrency"],
    [["sync", "app", "--target", "cp311-nowhere"], 2, "invalid"],
    [["sync", "app", "--lock", "mylock.toml"], 2, "not a pylock.toml name"],
    [["sync", "app", "--requirements-out", "no/such/dir/r.txt"], 2, "does not exist"],
    [["sync", "app", "--exclude-newer", "yesterday"], 2, "--exclude-newer"],
    [["sync", "nosuchproject", "--target", "cp311-manylinux_2_28_x86_64"], 1, "nosuchproject"],
  ])(
    "%j exits %i",
    async (args, code, text) => {
      const ran = await wheelhouse([...args, "--store", join(dir, "s3")], env);
      expect(ran.code).toBe(code);
      expect(ran.stderr.toLowerCase()).toContain(String(text).toLowerCase());
    },
    60_000,
  );
});

/** A loopback index whose one big wheel trickles out until `fast` is set. */
async function slowIndex(files: BuiltDistribution[]) {
  const state = { fast: false, sent: 0 };
  const byName = new Map(files.map((f) => [f.filename, f]));
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? "");
    const project = /^\/simple\/([^/]+)\/$/.exec(path);
    if (project) {
      const links = files
        .filter((f) => f.filename.startsWith(`${project[1]}-`))
        .map((f) => {
          const meta = createHash("sha256").update(f.metadata).digest("hex");
          return `<a href="/files/${f.filename}#sha256=${f.sha256}" data-dist-info-metadata="sha256=${meta}">${f.filename}</a>`;
        });
      res.writeHead(links.length ? 200 : 404, { "content-type": "text/html" });
      return res.end(`<html><body>${links.join("\n")}</body></html>`);
    }
    const m = /^\/files\/(.+?)(\.metadata)?$/.exec(path);
    const file = m ? byName.get(m[1]) : undefined;
    if (!file) return res.writeHead(404).end();
    if (m?.[2]) return res.writeHead(200).end(file.metadata);
    res.writeHead(200, { "content-length": file.bytes.length });
    if (state.fast || file.bytes.length < 100_000) return res.end(file.bytes);
    let offset = 0;
    const timer = setInterval(
      () => {
        if (res.destroyed) return clearInterval(timer);
        const chunk = file.bytes.subarray(offset, offset + 32 * 1024);
        offset += chunk.length;
        state.sent += chunk.length;
        res.write(chunk);
        if (offset >= file.bytes.length) {
          clearInterval(timer);
          res.end();
        }
      },
      state.fast ? 0 : 100,
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/`;
  return { url, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("interrupted sync", () => {
  it.each([
    ["SIGKILL", null],
    ["SIGINT", 130],
  ] as const)(
    "%s mid-download leaves a consistent store and the next run finishes",
    async (signal, code) => {
      const big = await buildWheel({
        name: "big",
        version: "1.0",
        files: { "big/blob.bin": noise(3_000_000, 9) },
      });
      const small = await buildWheel({ name: "small", version: "1.0", requiresDist: ["big"] });
      const index = await slowIndex([big, small]);
      const store = join(dir, `killed-${signal}`);
      const args = [
        CLI,
        "sync",
        "--store",
        store,
        "--index-url",
        index.url,
        "small",
        "--target",
        "cp311-manylinux_2_28_x86_64",
      ];
      try {
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => {
          stderr += d;
        });
        const exited = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
        const deadline = Date.now() + 20_000;
        while (
          !(stderr.includes("added small") && index.state.sent > 100_000) &&
          Date.now() < deadline
        ) {
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(index.state.sent).toBeGreaterThan(100_000);
        expect(index.state.sent).toBeLessThan(big.bytes.length);
        child.kill(signal);
        expect(await exited).toBe(code);
        // Ctrl-C: a clear line, not a stack trace.
        if (signal === "SIGINT") expect(stderr).toContain("error: interrupted (SIGINT)");

        const listed = await wheelhouse(["list", "--store", store, "--json"]);
        expect(listed.stdout).not.toContain("big");
        index.state.fast = true;
        const rerun = await wheelhouse(args.slice(1));
        expect(rerun.code).toBe(0);
        expect(rerun.stdout).toMatch(/1 file added .*1 already stored/);
        const verified = await wheelhouse(["verify", "--store", store]);
        expect(verified.code).toBe(0);
        expect(existsSync(join(store, "catalog.db"))).toBe(true);
      } finally {
        await index.close();
      }
    },
    60_000,
  );
});
