// Build the undici dispatcher that every upstream request goes through: keep-alive, a bound on
// connections per origin, the proxy (flag or HTTP_PROXY / HTTPS_PROXY / NO_PROXY), a custom CA
// bundle and a client certificate.
// Docs: https://undici.nodejs.org/#/docs/api/EnvHttpProxyAgent , .../ProxyAgent , .../Agent
// Traps:
// - EnvHttpProxyAgent reads process.env for any proxy option left undefined; we always pass
//   strings ("" = none) so that the environment used is the one given to us (tests inject it).
// - `--proxy` replaces HTTP(S)_PROXY but NO_PROXY still applies, as with pip.
// - With proxyTunnel false, http:// upstreams go through the proxy as plain absolute-form requests
//   (what most corporate forward proxies expect); https:// upstreams always use CONNECT.
// - The CA bundle and client certificate must reach both the direct connector (`connect`) and
//   the tunnelled one (`requestTls`); the CA also checks an https:// proxy (`proxyTls`).
// - A client-cert PEM holds both the certificate and its private key (pip's --client-cert format):
//   the same text goes to `cert` and `key`, and OpenSSL picks the right block for each.
// - undici's package entry also loads fetch, WebSocket, cookies and mocks, and through its
//   cookies module Node's own bundled undici: 80-90 ms of a run's start here, against 45-50 ms
//   for the dispatcher files alone (`await import(...)` timed in a fresh node). So the agent is
//   loaded from its own file, with the request API attached as undici's entry does it; when a
//   newer undici moves those files, the package entry is the fallback.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Dispatcher, EnvHttpProxyAgent } from "undici";
import { quote, WheelhouseError } from "../../pep/errors.js";

/** How to reach upstreams. Paths are read once, when the dispatcher is created. */
export interface DispatcherOptions {
  /** `--proxy URL`: used for http and https upstreams, instead of the environment's. */
  proxy?: string;
  /** Environment to read HTTP_PROXY, HTTPS_PROXY, NO_PROXY from (either case); default process.env. */
  env?: Record<string, string | undefined>;
  /** `--cert FILE`: PEM CA bundle trusted instead of Node's built-in roots. */
  cert?: string;
  /** `--client-cert FILE`: PEM holding a client certificate and its private key. */
  clientCert?: string;
  /** Connections per origin (default 16). */
  connections?: number;
  /** Connect timeout in ms (default 30 000). */
  connectTimeoutMs?: number;
}

function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new WheelhouseError("INVALID_OPTION", `${flag} file ${quote(path)} cannot be read`, {
      hint: `${flag} takes the path of a PEM file`,
      cause,
    });
  }
}

type AgentClass = typeof EnvHttpProxyAgent;
let agentClass: AgentClass | undefined;

/** undici's EnvHttpProxyAgent, loaded from its own file when it is there (see Traps). */
function loadAgentClass(): AgentClass {
  if (agentClass !== undefined) return agentClass;
  const require = createRequire(import.meta.url);
  try {
    const agent = require("undici/lib/dispatcher/env-http-proxy-agent.js") as AgentClass;
    const dispatcher = require("undici/lib/dispatcher/dispatcher.js") as { prototype: object };
    const api = require("undici/lib/api/index.js") as Record<string, unknown>;
    if (typeof agent !== "function" || typeof api.request !== "function") throw new Error();
    if (!("request" in dispatcher.prototype)) Object.assign(dispatcher.prototype, api);
    agentClass = agent;
  } catch {
    agentClass = (require("undici") as { EnvHttpProxyAgent: AgentClass }).EnvHttpProxyAgent;
  }
  return agentClass;
}

/** Create the dispatcher; close it with `await dispatcher.close()` when the run ends. */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const env = options.env ?? process.env;
  const tls: { ca?: string; cert?: string; key?: string } = {};
  if (options.cert) tls.ca = readPem(options.cert, "--cert");
  if (options.clientCert) {
    const pem = readPem(options.clientCert, "--client-cert");
    if (!/PRIVATE KEY-----/.test(pem)) {
      throw new WheelhouseError(
        "INVALID_OPTION",
        `--client-cert file ${quote(options.clientCert)} holds no private key`,
        { hint: "concatenate the certificate and its unencrypted private key in one PEM file" },
      );
    }
    tls.cert = pem;
    tls.key = pem;
  }
  const connect = { ...tls, timeout: options.connectTimeoutMs ?? 30_000 };
  const httpProxy = options.proxy ?? env.http_proxy ?? env.HTTP_PROXY ?? "";
  const httpsProxy = options.proxy ?? env.https_proxy ?? env.HTTPS_PROXY ?? httpProxy;
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? "";
  for (const proxy of [httpProxy, httpsProxy]) {
    if (proxy && !URL.canParse(proxy)) {
      throw new WheelhouseError("INVALID_OPTION", `proxy URL ${quote(proxy)} is invalid`, {
        hint: "write it as http://host:port (or http://user:password@host:port)",
      });
    }
  }
  const Agent = loadAgentClass();
  return new Agent({
    httpProxy,
    httpsProxy,
    noProxy,
    proxyTunnel: false,
    connections: options.connections ?? 16,
    keepAliveTimeout: 10_000,
    connect,
    requestTls: tls,
    proxyTls: tls.ca ? { ca: tls.ca } : {},
  });
}
