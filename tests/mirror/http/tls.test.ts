// HTTPS with a private CA (--cert) and a client certificate (--client-cert): certificates are made
// with the openssl CLI at test time; skipped where openssl is absent.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDispatcher } from "../../../src/mirror/http/dispatcher.js";
import {
  type HttpsServer,
  hasOpenssl,
  makeTestCa,
  startHttpsServer,
  type TestCa,
} from "../../helpers/test-ca.js";
import { testClient } from "../upstream/helpers.js";

let dir: string;
let server: HttpsServer;
let origin: string;
let made: TestCa;

describe.skipIf(!hasOpenssl())("TLS", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wh-tls-"));
    made = await makeTestCa(dir);
    server = await startHttpsServer(
      made,
      (req, res) => {
        const authorized = (req.socket as import("node:tls").TLSSocket).authorized;
        res.writeHead(authorized ? 200 : 403).end(authorized ? "hello" : "no client cert");
      },
      { ca: await readFile(made.ca), requestCert: true, rejectUnauthorized: false },
    );
    origin = server.origin;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
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
      dispatcher: createDispatcher({ env: {}, cert: made.ca }),
    });
    const refused = await withCa.get(`${origin}/`).catch((e) => e);
    expect(refused.message).toContain("HTTP 403");
    await withCa.close();
    const full = testClient({
      dispatcher: createDispatcher({
        env: {},
        cert: made.ca,
        clientCert: made.clientBundle,
      }),
    });
    const res = await full.fetchBytes(`${origin}/`);
    expect(res.bytes.toString()).toBe("hello");
    await full.close();
  });

  it("refuses a client-cert file without a private key", () => {
    expect(() => createDispatcher({ env: {}, clientCert: made.clientCert })).toThrow(
      /holds no private key/,
    );
  });
});
