// Build the undici dispatcher that every upstream request goes through: keep-alive, a bound on
// connections per origin, the proxy (flag or HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY), a
// custom CA bundle and a client certificate.
// Docs: https://undici.nodejs.org/#/docs/api/ProxyAgent , .../Agent , .../Dispatcher
// Traps:
// - Which proxy an origin takes is decided by proxy-env.ts, as pip decides it, not by undici's
//   EnvHttpProxyAgent: that one reads process.env, sends https through HTTP_PROXY, ignores
//   ALL_PROXY and CIDR blocks in NO_PROXY, and applies NO_PROXY to `--proxy`. A small router
//   hands each request to the direct agent or to the proxy agent of its origin.
// - With proxyTunnel false, http:// upstreams go through the proxy as plain absolute-form requests
//   (what most corporate forward proxies expect); https:// upstreams always use CONNECT.
// - The CA bundle and client certificate must reach both the direct connector (`connect`) and
//   the tunnelled one (`requestTls`); the CA also checks an https:// proxy (`proxyTls`).
// - undici's ProxyAgent takes http(s) and socks5 proxies; any other scheme is refused up front
//   with the variable or flag it came from, instead of undici's bare "invalid protocol".
// - NODE_EXTRA_CA_CERTS, when the CLI's launcher deferred it, is trusted from here on
//   (trustDeferredCaCerts(), ../deferred-ca-certs.ts) before any connection is made.
// - A client-cert PEM holds both the certificate and its private key (pip's --client-cert format):
//   the same text goes to `cert` and `key`, and OpenSSL picks the right block for each.
// - undici's package entry also loads fetch, WebSocket, cookies and mocks, and through its
//   cookies module Node's own bundled undici: 80-90 ms of a run's start here, against 45-50 ms
//   for the dispatcher files alone (`await import(...)` timed in a fresh node). So the agent is
//   loaded from its own file, with the request API attached as undici's entry does it; when a
//   newer undici moves those files, the package entry is the fallback.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Agent, Dispatcher, ProxyAgent } from "undici";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { trustDeferredCaCerts } from "../deferred-ca-certs.js";
import { redactUrl } from "../url-credentials.js";
import { proxySettings, selectProxy } from "./proxy-env.js";

/** How to reach upstreams. Paths are read once, when the dispatcher is created. */
export interface DispatcherOptions {
  /** `--proxy URL`: used for every http and https upstream, instead of the environment's. */
  proxy?: string;
  /** Environment to read HTTP(S)_PROXY, ALL_PROXY, NO_PROXY from (either case); default process.env. */
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

interface Undici {
  Dispatcher: typeof Dispatcher;
  Agent: typeof Agent;
  ProxyAgent: typeof ProxyAgent;
}
let undici: Undici | undefined;

/** undici's classes, loaded from their own files when they are there (see Traps). */
function loadUndici(): Undici {
  if (undici !== undefined) return undici;
  const require = createRequire(import.meta.url);
  try {
    const loaded: Undici = {
      Dispatcher: require("undici/lib/dispatcher/dispatcher.js"),
      Agent: require("undici/lib/dispatcher/agent.js"),
      ProxyAgent: require("undici/lib/dispatcher/proxy-agent.js"),
    };
    const api = require("undici/lib/api/index.js") as Record<string, unknown>;
    if (typeof loaded.Agent !== "function" || typeof loaded.ProxyAgent !== "function") {
      throw new Error();
    }
    if (typeof api.request !== "function") throw new Error();
    if (!("request" in loaded.Dispatcher.prototype)) {
      Object.assign(loaded.Dispatcher.prototype, api);
    }
    undici = loaded;
  } catch {
    undici = require("undici") as Undici;
  }
  return undici;
}

/** Check a proxy URL and its scheme; `from` names where it came from, for the message. */
function checkProxy(proxy: string, from: string): void {
  const scheme = URL.canParse(proxy) ? new URL(proxy).protocol : undefined;
  if (scheme === undefined || !["http:", "https:", "socks5:", "socks:"].includes(scheme)) {
    const shown = URL.canParse(proxy) ? redactUrl(proxy) : proxy;
    throw new WheelhouseError(
      "INVALID_OPTION",
      `proxy URL ${quote(shown)} from ${from} is invalid`,
      { hint: "write it as http://host:port (or http://user:password@host:port)" },
    );
  }
}

/** Create the dispatcher; close it with `await dispatcher.close()` when the run ends. */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  trustDeferredCaCerts();
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
  const settings = proxySettings(options.proxy, env);
  const from = (scheme: string) =>
    settings.fromFlag ? "--proxy" : `${scheme}_PROXY (or ALL_PROXY) in the environment`;
  if (settings.http) checkProxy(settings.http, from("HTTP"));
  if (settings.https) checkProxy(settings.https, from("HTTPS"));
  const { Dispatcher: Base, Agent: AgentClass, ProxyAgent: ProxyClass } = loadUndici();
  const agentOptions = {
    connections: options.connections ?? 16,
    keepAliveTimeout: 10_000,
    connect: { ...tls, timeout: options.connectTimeoutMs ?? 30_000 },
  };
  const direct = new AgentClass(agentOptions);
  const proxies = new Map<string, Dispatcher>();
  const agentFor = (origin: string): Dispatcher => {
    const proxy = selectProxy(origin, settings);
    if (proxy === undefined) return direct;
    let agent = proxies.get(proxy);
    if (agent === undefined) {
      agent = new ProxyClass({
        ...agentOptions,
        uri: proxy,
        proxyTunnel: false,
        requestTls: tls,
        proxyTls: tls.ca ? { ca: tls.ca } : {},
      });
      proxies.set(proxy, agent);
    }
    return agent;
  };
  const all = () => [direct, ...proxies.values()];
  class ProxyRouter extends Base {
    override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
      return agentFor(String(opts.origin)).dispatch(opts, handler);
    }
    override close(): Promise<void>;
    override close(callback: () => void): void;
    override close(callback?: () => void): Promise<void> | void {
      const done = Promise.all(all().map((a) => a.close())).then(() => undefined);
      if (callback === undefined) return done;
      done.then(callback, callback);
    }
    override destroy(): Promise<void>;
    override destroy(err: Error | null): Promise<void>;
    override destroy(callback: () => void): void;
    override destroy(err: Error | null, callback: () => void): void;
    override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
      const err = typeof a === "function" ? null : (a ?? null);
      const callback = typeof a === "function" ? a : b;
      const done = Promise.all(all().map((d) => d.destroy(err))).then(() => undefined);
      if (callback === undefined) return done;
      done.then(callback, callback);
    }
  }
  return new ProxyRouter();
}
