// Proxy choice as pip 23.2.1 makes it. The pip facts were observed with a logging proxy and an
// index on 127.0.0.1 (PIP_CONFIG_FILE=/dev/null python3 -m pip download --no-deps -d DIR
// --retries 0 nonexist, PIP_INDEX_URL=http://127.0.0.1:PORT/simple/ plus the variables named):
// NO_PROXY=127.0.0.0/8 went direct; PIP_PROXY with NO_PROXY=127.0.0.1 still used the proxy;
// HTTP_PROXY alone did not take an https index through it; ALL_PROXY took an http index
// through it; no_proxy= with NO_PROXY=127.0.0.1 went direct. The name rules are requests' and
// urllib's proxy_bypass_environment.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createDispatcher } from "../../../src/mirror/http/dispatcher.js";
import {
  bypassesProxy,
  proxySettings,
  selectProxy,
  withProxyScheme,
} from "../../../src/mirror/http/proxy-env.js";
import { testClient } from "../upstream/helpers.js";

describe("bypassesProxy", () => {
  const table: [string, string, boolean][] = [
    ["https://pypi.org/simple/", "", false],
    ["https://pypi.org/simple/", "*", true],
    ["https://pypi.org/simple/", " * ", true],
    ["https://pypi.org/simple/", "*,example.com", false],
    ["https://pypi.org/simple/", "pypi.org", true],
    ["https://files.pypi.org/x", "pypi.org", true],
    ["https://notpypi.org/x", "pypi.org", false],
    ["https://files.pypi.org/x", ".pypi.org", true],
    ["https://pypi.org/x", ".pypi.org", true],
    ["https://files.pypi.org/x", "*.pypi.org", true],
    ["https://PyPI.org/x", "PYPI.ORG", true],
    ["https://pypi.org/x", "example.com, pypi.org", true],
    ["https://pypi.org/x", "example.com pypi.org", true],
    ["https://pypi.org:8443/x", "pypi.org:8443", true],
    ["https://pypi.org/x", "pypi.org:8443", false],
    ["https://pypi.org/x", "pypi.org:443", true],
    ["http://10.1.2.3:8080/simple/", "10.0.0.0/8", true],
    ["http://11.1.2.3/simple/", "10.0.0.0/8", false],
    ["http://192.168.1.77/", "192.168.1.64/26", true],
    ["http://192.168.1.63/", "192.168.1.64/26", false],
    ["http://127.0.0.1:3141/", "localhost,127.0.0.0/8", true],
    ["http://0.0.0.1/", "0.0.0.0/0", true],
    ["http://10.1.2.3/", "10.1.2.3", true],
    ["http://10.1.2.3/", "2.3", false],
    ["http://[::1]:3141/", "::1", true],
    ["http://[::1]:3141/", "[::1]:3141", true],
    ["http://[::1]:3141/", "[::1]:80", false],
    ["http://pypi.org/", "10.0.0.0/8", false],
  ];
  it.each(table)("%s with NO_PROXY=%j -> %s", (url, noProxy, expected) => {
    expect(bypassesProxy(url, noProxy)).toBe(expected);
  });
});

describe("proxySettings", () => {
  it("takes https from HTTPS_PROXY or ALL_PROXY, never from HTTP_PROXY", () => {
    expect(proxySettings(undefined, { HTTP_PROXY: "http://p:1" })).toEqual({
      http: "http://p:1",
      noProxy: "",
      fromFlag: false,
    });
    const all = proxySettings(undefined, { ALL_PROXY: "http://a:1", HTTP_PROXY: "http://p:1" });
    expect([all.http, all.https]).toEqual(["http://p:1", "http://a:1"]);
  });

  it("prefers lower-case variables, an empty one meaning none, except for no_proxy", () => {
    const s = proxySettings(undefined, {
      https_proxy: "http://lower:1",
      HTTPS_PROXY: "http://upper:1",
      http_proxy: "",
      HTTP_PROXY: "http://upper:2",
      no_proxy: "",
      NO_PROXY: "internal.example",
    });
    expect(s).toEqual({ https: "http://lower:1", noProxy: "internal.example", fromFlag: false });
  });

  it("uses --proxy for every upstream, NO_PROXY or not", () => {
    const s = proxySettings("http://flag:3128", { NO_PROXY: "*", HTTPS_PROXY: "http://env:1" });
    expect(selectProxy("https://pypi.org/simple/", s)).toBe("http://flag:3128");
    expect(selectProxy("http://127.0.0.1/", s)).toBe("http://flag:3128");
    const env = proxySettings(undefined, { HTTPS_PROXY: "http://env:1", NO_PROXY: "pypi.org" });
    expect(selectProxy("https://pypi.org/simple/", env)).toBeUndefined();
    expect(selectProxy("https://example.org/simple/", env)).toBe("http://env:1");
  });

  it("reads a proxy written without a scheme as http://", () => {
    expect(withProxyScheme("proxy.corp:3128")).toBe("http://proxy.corp:3128");
    expect(withProxyScheme("10.0.0.1:3128")).toBe("http://10.0.0.1:3128");
    expect(withProxyScheme("https://proxy.corp")).toBe("https://proxy.corp");
    expect(proxySettings("proxy:8080", {}).http).toBe("http://proxy:8080");
  });
});

/** A TCP listener that records the first line of each connection and answers 502. */
async function startLoggingProxy() {
  const seen: string[] = [];
  const server = createServer((socket) => {
    socket.once("data", (data) => {
      seen.push(data.toString("latin1").split("\r\n")[0]);
      socket.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    seen,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** A port with nothing listening: a direct connection to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe("the dispatcher routes as pip does", () => {
  async function codeOf(promise: Promise<unknown>): Promise<string> {
    return promise.then(
      () => "ok",
      (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
    );
  }

  it("goes direct for an IPv4 host inside a NO_PROXY CIDR block", async () => {
    const proxy = await startLoggingProxy();
    const port = await closedPort();
    const env = { HTTP_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: "127.0.0.0/8" };
    const http = testClient({ dispatcher: createDispatcher({ env }), retries: 0 });
    expect(await codeOf(http.fetchBytes(`http://127.0.0.1:${port}/simple/`))).toMatch(
      /NETWORK_ERROR: .*ECONNREFUSED/,
    );
    expect(proxy.seen).toEqual([]);
    await http.close();
    await proxy.close();
  });

  it("sends --proxy traffic through the proxy even for NO_PROXY hosts", async () => {
    const proxy = await startLoggingProxy();
    const url = `http://127.0.0.1:${await closedPort()}/simple/`;
    const dispatcher = createDispatcher({
      proxy: `http://127.0.0.1:${proxy.port}`,
      env: { NO_PROXY: "127.0.0.1" },
    });
    const http = testClient({ dispatcher, retries: 0 });
    expect(await codeOf(http.fetchBytes(url))).toMatch(/HTTP_ERROR: .* 502/);
    expect(proxy.seen).toEqual([`GET ${url} HTTP/1.1`]);
    await http.close();
    await proxy.close();
  });

  it("does not take https upstreams through HTTP_PROXY, but through ALL_PROXY", async () => {
    const proxy = await startLoggingProxy();
    const port = await closedPort();
    const url = `https://127.0.0.1:${port}/simple/`;
    const viaHttp = testClient({
      dispatcher: createDispatcher({ env: { HTTP_PROXY: `http://127.0.0.1:${proxy.port}` } }),
      retries: 0,
    });
    expect(await codeOf(viaHttp.fetchBytes(url))).toMatch(/ECONNREFUSED/);
    expect(proxy.seen).toEqual([]);
    await viaHttp.close();
    const viaAll = testClient({
      dispatcher: createDispatcher({ env: { all_proxy: `127.0.0.1:${proxy.port}` } }),
      retries: 0,
    });
    await codeOf(viaAll.fetchBytes(url));
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${port} HTTP/1.1`]);
    await viaAll.close();
    await proxy.close();
  });

  it("accepts a proxy without a scheme and refuses an unusable scheme by name", async () => {
    const proxy = await startLoggingProxy();
    const url = `http://127.0.0.1:${await closedPort()}/simple/`;
    const http = testClient({
      dispatcher: createDispatcher({ env: { HTTP_PROXY: `127.0.0.1:${proxy.port}` } }),
      retries: 0,
    });
    expect(await codeOf(http.fetchBytes(url))).toMatch(/HTTP_ERROR: .* 502/);
    expect(proxy.seen).toEqual([`GET ${url} HTTP/1.1`]);
    await http.close();
    await proxy.close();
    expect(() => createDispatcher({ env: { HTTPS_PROXY: "ftp://u:secret@p:2121" } })).toThrow(
      'proxy URL "ftp://u:****@p:2121/" from HTTPS_PROXY (or ALL_PROXY) in the environment is invalid',
    );
  });
});
