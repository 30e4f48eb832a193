// NODE_EXTRA_CA_CERTS as the launcher defers it (src/mirror/deferred-ca-certs.ts), in process:
// the variable goes back to the environment, and TLS contexts built without their own CA trust
// Node's roots plus the file's certificates, each kind of context built once.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deferredCaFile,
  takeDeferredCaCerts,
  trustDeferredCaCerts,
} from "../../src/mirror/deferred-ca-certs.js";
import {
  type HttpsServer,
  hasOpenssl,
  makeTestCa,
  startHttpsServer,
  type TestCa,
} from "../helpers/test-ca.js";

// The module's exports object, which Node's TLS client reads (an ESM namespace is a snapshot).
const tls = createRequire(import.meta.url)("node:tls") as typeof Tls;

describe("takeDeferredCaCerts", () => {
  it("leaves an environment without the launcher's variable alone", () => {
    const env: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: "/x.pem" };
    takeDeferredCaCerts(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: "/x.pem" });
    expect(deferredCaFile()).toBeUndefined();
  });
});

describe.skipIf(!hasOpenssl())("trustDeferredCaCerts", () => {
  let dir: string;
  let made: TestCa;
  let server: HttpsServer;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wh-deferred-ca-"));
    made = await makeTestCa(dir);
    server = await startHttpsServer(made, (_req, res) => res.end("hello"));
    url = `${server.origin}/`;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("trusts the deferred file from then on, sharing one context per kind", async () => {
    await expect(fetch(url)).rejects.toThrow();
    const env: NodeJS.ProcessEnv = { WHEELHOUSE_DEFERRED_CA_CERTS: made.ca };
    takeDeferredCaCerts(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: made.ca });
    expect(deferredCaFile()).toBe(made.ca);
    trustDeferredCaCerts();
    trustDeferredCaCerts();
    expect(await (await fetch(url)).text()).toBe("hello");
    const plain = tls.createSecureContext();
    expect(tls.createSecureContext({})).toBe(plain);
    const client = await readFile(made.clientBundle, "utf8");
    const withKey = tls.createSecureContext({ cert: client, key: client });
    expect(withKey).not.toBe(plain);
    expect(tls.createSecureContext({ cert: client, key: client })).toBe(withKey);
    // A context given its own CA is Node's, built each time.
    const own = tls.createSecureContext({ ca: await readFile(made.ca, "utf8") });
    expect(own).not.toBe(plain);
    expect(tls.createSecureContext({ ca: await readFile(made.ca, "utf8") })).not.toBe(own);
  });
});
