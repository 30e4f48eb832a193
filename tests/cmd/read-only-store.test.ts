// A store on read-only media: list, du, verify, export, bundle, install and serve (pip as the client)
// read it; commands that write (add, verify --repair, serve --upload-token) fail naming the
// store. Read-only media are a read-only bind mount of the store onto itself in a private mount
// namespace (`unshare -m` as root, `unshare -rm` otherwise): only the child process sees it.
// Skipped where neither unshare works (no util-linux, no user namespaces).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, type Ran, runProcess, startServe, wheelhouse } from "../helpers/cli.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";

/** `sh -c` script: mount `$1` read-only onto itself, then run the rest of the arguments. */
const READ_ONLY = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"';

/**
 * The unshare flags with which this user can mount a folder read-only in a private mount
 * namespace (checked on a scratch folder: the mount works and a write there fails), or undefined.
 */
function unshareFlags(): string[] | undefined {
  const scratch = mkdtempSync(join(tmpdir(), "wh-ro-probe-"));
  try {
    for (const flags of [["-m"], ["-r", "-m"]]) {
      const args = [
        ...flags,
        "sh",
        "-c",
        READ_ONLY,
        "sh",
        scratch,
        "sh",
        "-c",
        ': > "$0/x"',
        scratch,
      ];
      const ran = spawnSync("unshare", args, { stdio: "ignore", timeout: 10_000 });
      if (
        ran.status !== null &&
        ran.status !== 0 &&
        ran.status !== 127 &&
        !existsSync(join(scratch, "x"))
      ) {
        const mounted = spawnSync(
          "unshare",
          [...flags, "sh", "-c", READ_ONLY, "sh", scratch, "true"],
          {
            stdio: "ignore",
            timeout: 10_000,
          },
        );
        if (mounted.status === 0) return flags;
      }
    }
    return undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
const UNSHARE = process.platform === "linux" ? unshareFlags() : undefined;

/** The command that runs the command after it with `store` read-only. */
function readOnlyLauncher(store: string): string[] {
  return ["unshare", ...(UNSHARE ?? []), "sh", "-c", READ_ONLY, "sh", store];
}

/** Run `wheelhouse ARGS` with `store` read-only. */
function readOnly(store: string, args: string[]): Promise<Ran> {
  const [file, ...rest] = [...readOnlyLauncher(store), process.execPath, CLI, ...args];
  return runProcess(file, rest);
}

describe.skipIf(UNSHARE === undefined)("a read-only store", () => {
  let root: string;
  let store: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "wh-ro-store-"));
    store = join(root, "store");
    const wheels = join(root, "wheels");
    await mkdir(wheels);
    await writeDistributions(wheels, [
      await buildWheel({ name: "ro-app", version: "1.0", requiresDist: ["ro-lib>=2"] }),
      await buildWheel({ name: "ro-lib", version: "2.1" }),
    ]);
    const added = await wheelhouse(["add", "--store", store, wheels]);
    expect(added.code, added.stderr).toBe(0);
    // A cleanly closed catalog leaves no -shm beside it: the case SQLite cannot open plainly.
    expect(readdirSync(store).filter((f) => f.endsWith("-shm"))).toEqual([]);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("is read-only inside the test's namespace", async () => {
    const [file, ...rest] = [...readOnlyLauncher(store), "touch", join(store, "probe")];
    const probe = await runProcess(file, rest);
    expect(probe.code).not.toBe(0);
    expect(probe.stderr).toMatch(/read-only/i);
    expect(existsSync(join(store, "probe"))).toBe(false);
  });

  it("lists, sizes, verifies and exports", async () => {
    const list = await readOnly(store, ["list", "--store", store, "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(list.stdout))).toMatch(/ro-app.*ro-lib/);
    const du = await readOnly(store, ["du", "--store", store]);
    expect(du.code, du.stderr).toBe(0);
    const verify = await readOnly(store, ["verify", "--store", store]);
    expect(verify.code, verify.stderr).toBe(0);
    const out = join(root, "export.tar.gz");
    const exported = await readOnly(store, ["export", "--store", store, "-o", out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const bundle = join(root, "bundle.tar.gz");
    const bundled = await readOnly(store, ["bundle", "--store", store, "-o", bundle, "ro-app"]);
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(existsSync(bundle)).toBe(true);
  });

  it("reads a catalog an older wheelhouse wrote (schema 1) as it is, every project active", async () => {
    const old = join(root, "old-store");
    cpSync(store, old, { recursive: true });
    const db = new Database(join(old, "catalog.db"));
    db.exec("DROP TABLE project_statuses");
    db.pragma("user_version = 1");
    db.close();
    const list = await readOnly(old, ["list", "--store", old, "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(list.stdout))).toMatch(/ro-app.*ro-lib/);
    const status = await readOnly(old, ["status", "--store", old, "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([]);
  });

  it("installs from it", async () => {
    const venv = join(root, "venv");
    const ran = await readOnly(store, [
      "install",
      "--store",
      store,
      "--venv",
      venv,
      "--json",
      "ro-app",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const names = (JSON.parse(ran.stdout) as { installed: { name: string }[] }).installed.map(
      (d) => d.name,
    );
    expect(names.sort()).toEqual(["ro-app", "ro-lib"]);
  });

  it("serves it to pip", async () => {
    const server = await startServe(["--store", store], readOnlyLauncher(store));
    try {
      const url = `${server.url}/simple/`;
      const target = join(root, "pip-target");
      const pip = await runProcess("python3", [
        "-m",
        "pip",
        "download",
        "--no-deps",
        "-d",
        target,
        "--index-url",
        url,
        "ro-lib==2.1",
      ]);
      expect(pip.code, pip.stderr).toBe(0);
      expect(readdirSync(target)).toEqual(["ro_lib-2.1-py3-none-any.whl"]);
    } finally {
      await server.stop();
    }
  });

  it("refuses what would write, naming the store", async () => {
    const wheels = join(root, "more");
    await mkdir(wheels);
    await writeDistributions(wheels, [await buildWheel({ name: "ro-new", version: "1.0" })]);
    const add = await readOnly(store, ["add", "--store", store, wheels]);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain(`store "${store}" cannot be written (read-only file system)`);
    const repair = await readOnly(store, ["verify", "--store", store, "--repair"]);
    expect(repair.code).toBe(1);
    expect(repair.stderr).toContain(`store "${store}" cannot be written (read-only file system)`);
    const upload = await readOnly(store, ["serve", "--store", store, "--upload-token", "t"]);
    expect(upload.code).toBe(1);
    expect(upload.stderr).toMatch(/cannot be written, so it cannot take uploads/);
  });
});
