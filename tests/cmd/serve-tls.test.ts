// `wheelhouse serve --tls-cert --tls-key`: HTTPS with a server certificate of a private CA made
// here (openssl, for 127.0.0.1), judged by the real pip (`--cert` trusting the CA) and by
// wheelhouse's own client (`sync --cert`); a key that does not belong to the certificate is
// refused before listening.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, type ServeProcess, startServe, wheelhouse } from "../helpers/cli.js";
import { makeTestCa, type TestCa } from "../helpers/test-ca.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";

let root: string;
let store: string;
let server: ServeProcess;
let made: TestCa;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wh-tls-"));
  made = await makeTestCa(await mkdtemp(join(root, "ca-")));
  store = join(root, "store");
  await mkdir(join(root, "in"));
  await writeDistributions(join(root, "in"), [
    await buildWheel({ name: "tls-app", version: "1.0", requiresDist: ["tls-lib"] }),
    await buildWheel({ name: "tls-lib", version: "2.0" }),
  ]);
  expect((await wheelhouse(["add", "--store", store, join(root, "in")])).code).toBe(0);
  server = await startServe([
    "--store",
    store,
    "--tls-cert",
    made.serverCert,
    "--tls-key",
    made.serverKey,
    "--quiet",
  ]);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("wheelhouse serve over HTTPS", () => {
  it("announces an https URL and serves pip, which checks the certificate", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dest = join(root, "pip-dl");
    const ran = await runProcess("python3", [
      "-m",
      "pip",
      "download",
      "--no-cache-dir",
      "-d",
      dest,
      "--index-url",
      `${server.url}/simple/`,
      "--cert",
      made.ca,
      "tls-app",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(existsSync(join(dest, "tls_lib-2.0-py3-none-any.whl"))).toBe(true);
    const untrusted = await runProcess("python3", [
      "-m",
      "pip",
      "download",
      "--no-cache-dir",
      "-d",
      join(root, "pip-x"),
      "--retries",
      "0",
      "--index-url",
      `${server.url}/simple/`,
      "tls-app",
    ]);
    expect(untrusted.code).not.toBe(0);
  }, 120_000);

  it("is a source for wheelhouse sync with --cert", async () => {
    const ran = await wheelhouse([
      "sync",
      "--store",
      join(root, "mirror"),
      "--index-url",
      `${server.url}/simple/`,
      "--cert",
      made.ca,
      "--json",
      "tls-app",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout).summary.filesAdded).toBe(2);
  }, 60_000);

  it("refuses a key that is not the certificate's, and one flag without the other", async () => {
    const serveWith = (...tls: string[]) =>
      wheelhouse(["serve", "--store", store, "--port", "0", ...tls]);
    const wrong = await serveWith("--tls-cert", made.serverCert, "--tls-key", made.clientBundle);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("are not a PEM certificate and its private key");
    const half = await serveWith("--tls-cert", made.serverCert);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("--tls-cert was given without --tls-key");
  });
});
