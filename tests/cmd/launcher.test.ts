// The built CLI's launcher (rolldown.config.mjs): dist/cli/wheelhouse.cjs runs under /bin/sh,
// moves NODE_EXTRA_CA_CERTS aside so that Node does not parse it at start, and execs node on
// itself; the CLI puts the variable back for child processes and gives TLS the same trust when
// a connection is made (src/mirror/deferred-ca-certs.ts). Run here as npm runs a bin: executed
// through a symlink, not as `node file`.
import { statSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runProcess } from "../helpers/cli.js";
import { type StaticServer, startStaticServer } from "../helpers/static-server.js";
import { hasOpenssl, makeTestCa, type TestCa } from "../helpers/test-ca.js";
import { buildWheel } from "../helpers/wheels.js";

let dir: string;
let bin: string;

/** The user's environment minus NODE_EXTRA_CA_CERTS, plus `extra`, with a fresh cache. */
function envWith(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _, ...rest } = process.env;
  return { ...rest, WHEELHOUSE_CACHE_DIR: join(dir, "cache"), ...extra };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-launcher-"));
  await mkdir(join(dir, "bin"));
  bin = join(dir, "bin", "wheelhouse");
  await symlink(CLI, bin);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the launcher", () => {
  it("heads the built CLI, which is executable", async () => {
    const lines = (await readFile(CLI, "utf8")).split("\n");
    expect(lines[0]).toBe("#!/bin/sh");
    expect(lines[1]).toMatch(/^":" \/\/; .*exec node "\$0" "\$@"$/);
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
  });

  it("runs through a symlink and passes arguments unchanged", async () => {
    const version = await runProcess(bin, ["--version"], { env: envWith() });
    expect(version).toMatchObject({ code: 0, stderr: "" });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const odd = 'we ird$1 "x" `y`';
    const ran = await runProcess(
      bin,
      ["install", "--dry-run", "--no-store", "--python", "python3", "-f", dir, odd],
      { env: envWith() },
    );
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`requirement ${JSON.stringify(odd)} is invalid`);
  });

  it("keeps Node from reading NODE_EXTRA_CA_CERTS at start", async () => {
    // Node 20 warns at start when the file cannot be loaded; deferred, nothing is read.
    const ran = await runProcess(bin, ["--version"], {
      env: envWith({ NODE_EXTRA_CA_CERTS: join(dir, "missing.pem") }),
    });
    expect(ran).toMatchObject({ code: 0, stderr: "" });
  });

  it("gives child processes NODE_EXTRA_CA_CERTS as the user set it", async () => {
    const seen = join(dir, "child-env.txt");
    const python = join(dir, "bin", "python-env");
    await writeFile(python, `#!/bin/sh\nenv > '${seen}'\nexec python3 "$@"\n`);
    await chmod(python, 0o755);
    const ran = await runProcess(
      bin,
      ["install", "--dry-run", "--no-store", "--python", python, "-f", dir, "nothing-here"],
      { env: envWith({ NODE_EXTRA_CA_CERTS: "/etc/some-ca.pem" }) },
    );
    expect(ran.stderr).toContain("nothing-here");
    const lines = (await readFile(seen, "utf8")).split("\n");
    expect(lines).toContain("NODE_EXTRA_CA_CERTS=/etc/some-ca.pem");
    expect(lines.filter((l) => l.startsWith("WHEELHOUSE_DEFERRED_CA_CERTS="))).toEqual([]);
  });
});

describe.skipIf(!hasOpenssl())("HTTPS with a CA given by NODE_EXTRA_CA_CERTS", () => {
  let ca: TestCa;
  let server: StaticServer;

  beforeAll(async () => {
    const certs = join(dir, "certs");
    await mkdir(certs);
    ca = await makeTestCa(certs);
    const root = join(dir, "site");
    const wheel = await buildWheel({ name: "demo", version: "1.0" });
    await mkdir(join(root, "files"), { recursive: true });
    await mkdir(join(root, "simple", "demo"), { recursive: true });
    await mkdir(join(root, "links"), { recursive: true });
    await writeFile(join(root, "files", wheel.filename), wheel.bytes);
    const link = (href: string) =>
      `<!DOCTYPE html><html><body><a href="${href}#sha256=${wheel.sha256}">${wheel.filename}</a></body></html>\n`;
    await writeFile(
      join(root, "simple", "demo", "index.html"),
      link(`../../files/${wheel.filename}`),
    );
    await writeFile(join(root, "links", "index.html"), link(`../files/${wheel.filename}`));
    server = await startStaticServer(root, {
      key: await readFile(ca.serverKey),
      cert: await readFile(ca.serverCert),
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const sync = (store: string, env: NodeJS.ProcessEnv) =>
    runProcess(
      bin,
      [
        "sync",
        "--store",
        join(dir, store),
        "--index-url",
        `${server.url}/simple/`,
        "--target",
        "cp312-manylinux_2_28_x86_64",
        "--retries",
        "0",
        "demo",
      ],
      { env },
    );

  it("sync trusts it", async () => {
    const ran = await sync("s-trusted", envWith({ NODE_EXTRA_CA_CERTS: ca.ca }));
    expect(ran.stderr).not.toContain("error");
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain("1 project, 1 file added");
  }, 60_000);

  it("sync refuses the server without it, or when the file is missing (with Node's warning)", async () => {
    const without = await sync("s-none", envWith());
    expect(without.code).not.toBe(0);
    expect(without.stderr).toContain("TLS certificate check failed");
    const missing = join(dir, "missing.pem");
    const broken = await sync("s-missing", envWith({ NODE_EXTRA_CA_CERTS: missing }));
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain(`Ignoring extra certs from \`${missing}\`, load failed`);
    expect(broken.stderr).toContain("TLS certificate check failed");
  }, 60_000);

  it("install reads a find-links page over HTTPS with it", async () => {
    const links = `${server.url}/links/`;
    const args = ["install", "--dry-run", "--json", "--no-store", "--python", "python3"];
    const ran = await runProcess(bin, [...args, "-f", links, "demo"], {
      env: envWith({ NODE_EXTRA_CA_CERTS: ca.ca }),
    });
    expect(ran.stderr).not.toContain("error");
    expect(ran.code).toBe(0);
    expect(JSON.stringify(JSON.parse(ran.stdout))).toContain("demo-1.0-py3-none-any.whl");
    const refused = await runProcess(bin, [...args, "-f", links, "demo"], { env: envWith() });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(links);
  }, 60_000);
});
