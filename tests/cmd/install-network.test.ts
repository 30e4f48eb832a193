// `wheelhouse install` reaching find-links URLs with pip's network options, through the built
// CLI: --cert and --client-cert against an HTTPS server of a private CA (made with openssl at
// test time), --proxy and HTTP_PROXY through a logging proxy, --retries against a server that
// fails first, --timeout against one that never answers, and bad values refused before anything
// changes. Every server listens on 127.0.0.1.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipNetworkOptions } from "../../src/mirror/install/build-sdist.js";
import type { Ran } from "../helpers/cli.js";
import {
  closeServer,
  type LoopbackServer,
  listenLoopback,
  startForwardProxy,
  startLoopback,
} from "../helpers/loopback.js";
import {
  type HttpsServer,
  hasOpenssl,
  makeTestCa,
  startHttpsServer,
  type TestCa,
} from "../helpers/test-ca.js";
import { type BuiltDistribution, buildWheel } from "../helpers/wheels.js";
import { freshVenv as makeFresh, report, runInstall, sitePackages } from "./install-cli.js";

let root: string;
let app: BuiltDistribution;
let lib: BuiltDistribution;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-install-net-"));
  app = await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib>=2"] });
  lib = await buildWheel({ name: "lib", version: "2.0" });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const install = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runInstall(root, ["--no-store", "--venv", makeFresh(root), ...args], {
    HTTP_PROXY: "",
    HTTPS_PROXY: "",
    ALL_PROXY: "",
    NO_PROXY: "",
    http_proxy: "",
    https_proxy: "",
    all_proxy: "",
    no_proxy: "",
    ...env,
  });
const installed = (ran: Ran) =>
  report(ran)
    .installed.map((p) => `${p.name} ${p.version}`)
    .sort();

/** Answer a /links/ page listing app and lib, and their files; anything else 404. */
function linksHandler(req: IncomingMessage, res: import("node:http").ServerResponse): void {
  const files = new Map([app, lib].map((d) => [`/links/${d.filename}`, d.bytes]));
  if (req.url === "/links/") {
    const body = [app, lib].map((d) => `<a href="${d.filename}">${d.filename}</a>`).join("\n");
    res.writeHead(200, { "content-type": "text/html" }).end(body);
  } else if (files.has(req.url ?? "")) res.writeHead(200).end(files.get(req.url ?? ""));
  else res.writeHead(404).end();
}

describe.skipIf(!hasOpenssl())("install from an HTTPS find-links URL", () => {
  let made: TestCa;
  let server: HttpsServer;
  let withClientCert: HttpsServer;
  beforeAll(async () => {
    made = await makeTestCa(mkdtempSync(join(root, "ca-")));
    server = await startHttpsServer(made, linksHandler);
    withClientCert = await startHttpsServer(
      made,
      (req, res) => {
        if ((req.socket as import("node:tls").TLSSocket).authorized) linksHandler(req, res);
        else res.writeHead(403).end("no client certificate");
      },
      { ca: readFileSync(made.ca), requestCert: true, rejectUnauthorized: false },
    );
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await withClientCert?.close();
  });

  it("skips a server whose CA is unknown, naming --cert, and trusts the CA given with --cert", async () => {
    const url = `${server.origin}/links/`;
    const refused = await install(["-f", url, "app"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^warning: find-links location ".*" could not be reached: TLS certificate check failed .*--cert FILE; skipped/m,
    );
    const ran = await install(["-f", url, "--cert", made.ca, "app", "--json"]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(installed(ran)).toEqual(["app 1.0", "lib 2.0"]);
  });

  it("presents --client-cert (certificate and key in one PEM file, as pip takes it)", async () => {
    const url = `${withClientCert.origin}/links/`;
    const refused = await install(["-f", url, "--cert", made.ca, "app"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("answered HTTP 403");
    const ran = await install([
      "-f",
      url,
      "--cert",
      made.ca,
      "--client-cert",
      made.clientBundle,
      "app",
      "--json",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(installed(ran)).toEqual(["app 1.0", "lib 2.0"]);
  });
});

describe("install from a find-links URL through a proxy", () => {
  let origin: string;
  let upstream: LoopbackServer;
  let proxy: LoopbackServer & { seen: string[] };
  let proxyUrl: string;
  let seen: string[];
  beforeAll(async () => {
    upstream = await startLoopback(linksHandler);
    origin = upstream.url;
    proxy = await startForwardProxy();
    proxyUrl = proxy.url;
    seen = proxy.seen;
  });
  afterAll(async () => {
    await upstream?.close();
    await proxy?.close();
  });

  it("sends the page and the files through --proxy", async () => {
    seen.length = 0;
    const ran = await install(["-f", `${origin}/links/`, "--proxy", proxyUrl, "app", "--json"]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(installed(ran)).toEqual(["app 1.0", "lib 2.0"]);
    expect(seen.sort()).toEqual(
      [
        `${origin}/links/`,
        `${origin}/links/${app.filename}`,
        `${origin}/links/${lib.filename}`,
      ].sort(),
    );
  });

  it("takes HTTP_PROXY from the environment, minus NO_PROXY, as pip does", async () => {
    seen.length = 0;
    // The lower-case variables, which win, are left unset here.
    const upper = { http_proxy: undefined, no_proxy: undefined };
    const viaEnv = await install(["-f", `${origin}/links/`, "app", "--json"], {
      ...upper,
      HTTP_PROXY: proxyUrl,
    });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(seen).toContain(`${origin}/links/`);
    seen.length = 0;
    const bypassed = await install(["-f", `${origin}/links/`, "app", "--json"], {
      ...upper,
      HTTP_PROXY: proxyUrl,
      NO_PROXY: "127.0.0.1",
    });
    expect(bypassed.code, bypassed.stderr).toBe(0);
    expect(seen).toEqual([]);
  });
});

describe("install's --retries and --timeout for find-links URLs", () => {
  it("retries a page that answers 503, as many times as --retries says", async () => {
    let failures = 0;
    let left = 0;
    const server = createServer((req, res) => {
      if (req.url === "/links/" && left > 0) {
        left--;
        failures++;
        res.writeHead(503, { "retry-after": "0" }).end();
      } else linksHandler(req, res);
    });
    const origin = await listenLoopback(server);
    try {
      left = 2;
      const ran = await install(["-f", `${origin}/links/`, "--retries", "2", "app", "--json"]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(installed(ran)).toEqual(["app 1.0", "lib 2.0"]);
      expect(failures).toBe(2);
      left = 1;
      const gaveUp = await install(["-f", `${origin}/links/`, "--retries", "0", "app"]);
      expect(gaveUp.code).toBe(1);
      expect(gaveUp.stderr).toMatch(
        /^warning: find-links location ".*" answered HTTP 503 Service Unavailable; skipped/m,
      );
    } finally {
      await closeServer(server);
    }
  });

  it("fails naming the URL when a download breaks off, and leaves the venv as it was", async () => {
    const server = createServer((req, res) => {
      if (req.url === `/links/${lib.filename}`) {
        res.writeHead(200, { "content-length": String(lib.bytes.length) });
        res.write(lib.bytes.subarray(0, 100));
        setTimeout(() => res.socket?.destroy(), 20);
      } else linksHandler(req, res);
    });
    const origin = await listenLoopback(server);
    try {
      const venv = makeFresh(root);
      const ran = await runInstall(root, [
        "--no-store",
        "--venv",
        venv,
        "-f",
        `${origin}/links/`,
        "--retries",
        "0",
        "app",
      ]);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toMatch(
        new RegExp(
          `^error: find-links location "${origin}/links/${lib.filename}" could not be reached: `,
          "m",
        ),
      );
      expect(ran.stderr).toContain("the server closed the connection");
      expect(readdirSync(sitePackages(venv)).filter((n) => !n.startsWith("_"))).toEqual([]);
    } finally {
      await closeServer(server);
    }
  });

  it("gives up on a server that sends no response within --timeout", async () => {
    const server = createServer(() => {
      // never answers
    });
    const origin = await listenLoopback(server);
    try {
      const started = Date.now();
      const ran = await install([
        "-f",
        `${origin}/links/`,
        "--timeout",
        "1",
        "--retries",
        "0",
        "app",
      ]);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toMatch(/^warning: .* could not be reached: timed out: .* within 1 s/m);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await closeServer(server);
    }
  });

  it("refuses a bad --retries before the venv is made (exit 2), and an unreadable --cert at the first URL (exit 1)", async () => {
    const venv = join(root, "never-made");
    const bad = await runInstall(root, ["--venv", venv, "--retries", "x", "app"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--retries "x" is invalid');
    expect(() => readFileSync(join(venv, "pyvenv.cfg"))).toThrow();
    const server = createServer(linksHandler);
    const origin = await listenLoopback(server);
    try {
      const missing = join(root, "no.pem");
      const noCert = await install(["-f", `${origin}/links/`, "--cert", missing, "app"]);
      expect(noCert.code).toBe(1);
      expect(noCert.stderr).toContain(`--cert file "${missing}" cannot be read`);
    } finally {
      await closeServer(server);
    }
  });
});

describe("pip's network options for an sdist build that reads a find-links URL", () => {
  it("are passed to pip under pip's names", () => {
    expect(
      pipNetworkOptions({
        proxy: "http://proxy:3128",
        cert: "/ca.pem",
        clientCert: "/client.pem",
        retries: 2,
        timeoutMs: 15_000,
      }),
    ).toEqual([
      "--proxy",
      "http://proxy:3128",
      "--cert",
      "/ca.pem",
      "--client-cert",
      "/client.pem",
      "--retries",
      "2",
      "--timeout",
      "15",
    ]);
    expect(pipNetworkOptions({})).toEqual([]);
  });
});
