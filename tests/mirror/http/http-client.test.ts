import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDispatcher } from "../../../src/mirror/http/dispatcher.js";
import { redirectKeepsCredentials } from "../../../src/mirror/http/http-client.js";
import { parseRetryAfter, redactUrl } from "../../../src/mirror/http/http-errors.js";
import { splitCredentials, unquoteUserinfo } from "../../../src/mirror/url-credentials.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import { listenLoopback, startForwardProxy } from "../../helpers/loopback.js";
import { buildWheel } from "../../helpers/wheels.js";
import { fakeClock, testClient } from "../upstream/helpers.js";

let index: FakeIndex;
let tmp: string;

beforeAll(async () => {
  const dist = await buildWheel({ name: "alpha", version: "1.0" });
  index = await startFakeIndex({ projects: { alpha: [{ dist }] } });
  tmp = await mkdtemp(join(tmpdir(), "wh-http-"));
});
afterAll(async () => {
  await index.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("retries", () => {
  it("retries a 500 and then succeeds, with exponential backoff", async () => {
    const clock = fakeClock();
    const http = testClient({ clock, retries: 3, backoffMs: 100 });
    index.fail("/simple/alpha/", { status: 500 }, { status: 503 });
    const before = index.count("/simple/alpha/");
    const res = await http.fetchBytes(`${index.indexUrl}alpha/`);
    expect(res.status).toBe(200);
    expect(index.count("/simple/alpha/") - before).toBe(3);
    // jitter fixed at 0.5: half the base plus a quarter of it
    expect(clock.sleeps).toEqual([75, 150]);
    await http.close();
  });

  it("honours Retry-After in seconds and as an HTTP date", async () => {
    const clock = fakeClock();
    const http = testClient({ clock, retries: 3 });
    // the date is read after the first 2 s sleep: 9 s from the start leaves 7 s
    const date = new Date(clock.now() + 9_000).toUTCString();
    index.fail(
      "/simple/alpha/",
      { status: 429, retryAfter: "2" },
      { status: 503, retryAfter: date },
    );
    await http.fetchBytes(`${index.indexUrl}alpha/`);
    expect(clock.sleeps).toEqual([2_000, 7_000]);
    await http.close();
  });

  it("gives up after the retries with an HTTP_ERROR naming the URL and the status", async () => {
    const http = testClient({ retries: 1 });
    index.fail("/simple/alpha/", { status: 502 }, { status: 502 });
    const error = await http.get(`${index.indexUrl}alpha/`).catch((e) => e);
    expect(error.code).toBe("HTTP_ERROR");
    expect(error.message).toBe(
      `GET "${index.indexUrl}alpha/" failed: HTTP 502 Bad Gateway after 2 attempts`,
    );
    // What happened, apart from where, and the status, for callers that tell it their own way.
    expect(error.reason).toBe("failed: HTTP 502 Bad Gateway after 2 attempts");
    expect(error.status).toBe(502);
    await http.close();
  });

  it("does not retry a 404, and returns it when allowed", async () => {
    const clock = fakeClock();
    const http = testClient({ clock });
    const error = await http.get(`${index.indexUrl}nope/`).catch((e) => e);
    expect(error.code).toBe("HTTP_ERROR");
    expect(error.message).toContain("HTTP 404 Not Found");
    expect((await http.fetchBytes(`${index.indexUrl}nope/`, { allowStatus: [404] })).status).toBe(
      404,
    );
    expect(clock.sleeps).toEqual([]);
    await http.close();
  });

  it("retries a reset connection", async () => {
    const http = testClient();
    index.fail("/simple/alpha/", { reset: true });
    expect((await http.fetchBytes(`${index.indexUrl}alpha/`)).status).toBe(200);
    await http.close();
  });
});

describe("errors name the URL and what happened", () => {
  it("connection refused is a NETWORK_ERROR with the socket code", async () => {
    const server = createServer();
    const origin = await listenLoopback(server);
    await new Promise((r) => server.close(r));
    const http = testClient({ retries: 0 });
    const error = await http.get(`${origin}/simple/x/`).catch((e) => e);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.message).toBe(
      `GET "${origin}/simple/x/" failed: connection refused (ECONNREFUSED)`,
    );
    await http.close();
  });

  it("a slow server is a TIMEOUT", async () => {
    const http = testClient({ retries: 0, timeoutMs: 200 });
    index.fail("/simple/alpha/", { delayMs: 1_000 });
    const error = await http.get(`${index.indexUrl}alpha/`).catch((e) => e);
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toBe(
      `GET "${index.indexUrl}alpha/" timed out: no response headers within 0.2 s`,
    );
    await http.close();
  });

  it("passwords never show in messages", () => {
    expect(redactUrl("https://u:secret@h.example/simple/")).toBe(
      "https://u:****@h.example/simple/",
    );
    // A username alone is usually a token (pip redacts it too).
    expect(redactUrl("https://ghp_TOKEN123@h.example/simple/")).toBe(
      "https://****@h.example/simple/",
    );
    expect(redactUrl("https://h.example/simple/")).toBe("https://h.example/simple/");
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each([
    ["3", 3_000],
    ["0", 0],
    ["Wed, 01 Jan 2025 00:00:10 GMT", 10_000],
    ["Tue, 31 Dec 2024 23:59:00 GMT", 0],
    ["soon", undefined],
    // not HTTP-dates, though Date.parse reads them as days of 2001 (urllib3 refuses them too)
    ["1.5", undefined],
    ["-1", undefined],
    ["2 ", 2_000],
    [undefined, undefined],
  ])("%s -> %s", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe("credentials", () => {
  it("sends netrc credentials as Basic auth", async () => {
    const netrc = join(tmp, "netrc");
    await writeFile(netrc, "machine 127.0.0.1 login alice password s3cret\n");
    const secured = await startFakeIndex({ auth: { username: "alice", password: "s3cret" } });
    const http = testClient({ netrcPath: netrc });
    expect(
      (await http.fetchBytes(`${secured.indexUrl}alpha/`, { allowStatus: [404] })).status,
    ).toBe(404);
    expect(secured.log[0].headers.authorization).toBe(
      `Basic ${Buffer.from("alice:s3cret").toString("base64")}`,
    );
    await http.close();
    await secured.close();
  });

  it("remembers URL credentials for the origin, and fails with a hint without them", async () => {
    const secured = await startFakeIndex({ auth: { username: "bob", password: "p@ss" } });
    const http = testClient();
    const withCreds = secured.indexUrl.replace("http://", "http://bob:p%40ss@");
    expect((await http.fetchBytes(`${withCreds}alpha/`, { allowStatus: [404] })).status).toBe(404);
    // a later URL without userinfo on the same origin (e.g. a file URL) still authenticates
    expect(
      (await http.fetchBytes(`${secured.origin}/files/x.whl`, { allowStatus: [404] })).status,
    ).toBe(404);
    await http.close();
    const anonymous = testClient();
    const error = await anonymous.get(`${secured.indexUrl}alpha/`).catch((e) => e);
    expect(error.code).toBe("HTTP_ERROR");
    expect(error.message).toContain("HTTP 401 Unauthorized");
    expect(error.hint).toContain("netrc");
    await anonymous.close();
    await secured.close();
  });
});

describe("userinfo is decoded as Python's unquote does", () => {
  it.each([
    ["p%40ss", "p@ss"],
    ["p%zz", "p%zz"],
    ["100%", "100%"],
    ["%C3%A9t%C3%A9", "été"],
    ["%ff", "\ufffd"],
  ])("%s -> %s", (raw, decoded) => {
    expect(unquoteUserinfo(raw)).toBe(decoded);
    // install's find-links fetcher decodes the same way (it threw URIError on "p%zz")
    const { authorization } = splitCredentials(`https://u:${raw}@host/links/`);
    expect(Buffer.from(authorization!.slice(6), "base64").toString("utf8")).toBe(`u:${decoded}`);
  });

  it("sends a password holding a bare % as written, without retrying", async () => {
    const secured = await startFakeIndex({ auth: { username: "bob", password: "50%zz" } });
    const onRetry: string[] = [];
    const http = testClient({ onRetry: (info) => onRetry.push(info.reason) });
    const url = `${secured.indexUrl.replace("http://", "http://bob:50%zz@")}alpha/`;
    expect((await http.fetchBytes(url, { allowStatus: [404] })).status).toBe(404);
    expect(onRetry).toEqual([]);
    await http.close();
    await secured.close();
  });
});

it("tells onRetry the URL with its password redacted", async () => {
  const seen: string[] = [];
  const http = testClient({ onRetry: (info) => seen.push(info.url) });
  index.fail("/simple/alpha/", { status: 503 });
  const url = `${index.indexUrl.replace("http://", "http://u:secret@")}alpha/`;
  await http.fetchBytes(url);
  expect(seen).toEqual([`${index.indexUrl.replace("http://", "http://u:****@")}alpha/`]);
  await http.close();
});

describe("redirectKeepsCredentials (requests' should_strip_auth, negated)", () => {
  it.each([
    ["http://h.example/a", "http://h.example/b", true],
    ["http://h.example/a", "https://h.example/a", true],
    ["http://h.example:80/a", "https://h.example:443/a", true],
    ["http://h.example:8080/a", "https://h.example/a", false],
    ["http://h.example/a", "https://h.example:8443/a", false],
    ["https://h.example/a", "http://h.example/a", false],
    ["https://h.example/a", "https://files.h.example/a", false],
    ["https://h.example/a", "https://h.example:8443/a", false],
  ])("%s -> %s: %s", (from, to, kept) => {
    expect(redirectKeepsCredentials(new URL(from), new URL(to))).toBe(kept);
  });
});

describe("redirects", () => {
  it("stop after 30 hops with an error that says so", async () => {
    let hops = 0;
    const server = createServer((req, res) => {
      hops++;
      res.writeHead(302, { location: `/loop/${Number(req.url?.split("/")[2] ?? 0) + 1}` }).end();
    });
    const origin = await listenLoopback(server);
    const http = testClient({ retries: 0 });
    const error = await http.get(`${origin}/loop/0`).catch((e) => e);
    expect(error.code).toBe("HTTP_ERROR");
    expect(error.message).toBe(
      `GET "${origin}/loop/0" failed: more than 30 redirects, the last to "${origin}/loop/31"`,
    );
    expect(hops).toBe(31);
    await http.close();
    await new Promise((r) => server.close(r));
  });

  it("follows them and reports the final URL", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(301, { location: `${index.indexUrl}alpha/` }).end();
    });
    const origin = await listenLoopback(server);
    const http = testClient();
    const res = await http.fetchBytes(`${origin}/simple/Alpha/`);
    expect(res.url).toBe(`${index.indexUrl}alpha/`);
    expect(res.status).toBe(200);
    await http.close();
    await new Promise((r) => server.close(r));
  });
});

describe("proxy", () => {
  it("sends http:// traffic through --proxy as absolute-form requests", async () => {
    const proxy = await startForwardProxy();
    const http = testClient({ dispatcher: createDispatcher({ proxy: proxy.url, env: {} }) });
    const res = await http.fetchBytes(`${index.indexUrl}alpha/`);
    expect(res.status).toBe(200);
    expect(proxy.seen).toEqual([`${index.indexUrl}alpha/`]);
    await http.close();
    await proxy.close();
  });

  it("reads HTTP_PROXY from the environment and honours NO_PROXY", async () => {
    const proxy = await startForwardProxy();
    const viaEnv = testClient({ dispatcher: createDispatcher({ env: { HTTP_PROXY: proxy.url } }) });
    await viaEnv.fetchBytes(`${index.indexUrl}alpha/`);
    expect(proxy.seen).toHaveLength(1);
    await viaEnv.close();
    const bypass = testClient({
      dispatcher: createDispatcher({ env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" } }),
    });
    await bypass.fetchBytes(`${index.indexUrl}alpha/`);
    expect(proxy.seen).toHaveLength(1);
    await bypass.close();
    await proxy.close();
  });

  it("rejects an unreadable --cert with the flag named", () => {
    expect(() => createDispatcher({ cert: join(tmp, "missing.pem"), env: {} })).toThrow(
      /--cert file ".*missing\.pem" cannot be read/,
    );
  });
});
