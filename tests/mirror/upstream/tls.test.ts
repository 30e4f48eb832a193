// HTTPS with a private CA (--cert) and a client certificate (--client-cert): certificates are made
// with the openssl CLI at test time; skipped where openssl is absent.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDispatcher } from "../../../src/mirror/upstream/dispatcher.js";
import { testClient } from "./helpers.js";

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let dir: string;
let server: Server;
let origin: string;

function openssl(...args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
}

describe.skipIf(!hasOpenssl())("TLS", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wh-tls-"));
    const days = ["-days", "2"];
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      ...days,
      "-subj",
      "/CN=wheelhouse test CA",
    );
    await writeFile(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
    for (const name of ["server", "client"]) {
      openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
        "-subj",
        `/CN=${name}`,
      );
      const ext = name === "server" ? ["-extfile", "san.ext"] : [];
      openssl(
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        `${name}.pem`,
        ...days,
        ...ext,
      );
    }
    const clientPem =
      (await readFile(join(dir, "client.pem"), "utf8")) +
      (await readFile(join(dir, "client.key"), "utf8"));
    await writeFile(join(dir, "client-bundle.pem"), clientPem);
    const ca = await readFile(join(dir, "ca.pem"));
    server = createServer(
      {
        key: await readFile(join(dir, "server.key")),
        cert: await readFile(join(dir, "server.pem")),
        ca,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const authorized = (req.socket as import("node:tls").TLSSocket).authorized;
        res.writeHead(authorized ? 200 : 403).end(authorized ? "hello" : "no client cert");
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it("fails with TLS_ERROR and a --cert hint when the CA is unknown", async () => {
    const http = testClient({ retries: 0 });
    const error = await http.get(`${origin}/`).catch((e) => e);
    expect(error.code).toBe("TLS_ERROR");
    expect(error.message).toContain(`GET "${origin}/" failed: TLS certificate check failed`);
    expect(error.hint).toContain("--cert");
    await http.close();
  });

  it("trusts --cert and presents --client-cert", async () => {
    const withCa = testClient({
      dispatcher: createDispatcher({ env: {}, cert: join(dir, "ca.pem") }),
    });
    const refused = await withCa.get(`${origin}/`).catch((e) => e);
    expect(refused.message).toContain("HTTP 403");
    await withCa.close();
    const full = testClient({
      dispatcher: createDispatcher({
        env: {},
        cert: join(dir, "ca.pem"),
        clientCert: join(dir, "client-bundle.pem"),
      }),
    });
    const res = await full.fetchBytes(`${origin}/`);
    expect(res.bytes.toString()).toBe("hello");
    await full.close();
  });

  it("refuses a client-cert file without a private key", () => {
    expect(() => createDispatcher({ env: {}, clientCert: join(dir, "client.pem") })).toThrow(
      /holds no private key/,
    );
  });
});
