// The HTTP client of sync's upstreams and of install's find-links URLs: GET with credentials,
// redirects, timeouts and retries (exponential backoff with jitter on connection errors,
// timeouts, 408/429/5xx; Retry-After honoured), over an injected undici dispatcher.
// Specs: RFC 9110 (semantics, §15.4 redirects, §10.2.3 Retry-After), RFC 7617 (Basic auth).
// Traps:
// - Credentials from a URL's userinfo are remembered for its origin: index pages carry them but
//   the file URLs they list usually do not. They are never sent to another origin after a
//   redirect (the target origin's own credentials, if any, are used instead), except for an
//   http -> https upgrade of the same host on the default ports, which requests (so pip) keeps
//   them for: an index behind an upgrade redirect would otherwise answer 401.
// - Userinfo is percent-decoded as Python's unquote does: a "%" not followed by two hex digits
//   is kept as it is (decodeURIComponent threw, and the URIError was retried as a network error).
// - Redirects stop after 30 hops, requests' limit, with an error that says so.
// - undici's `request` does not follow redirects in v7; we do, so the final URL is known (relative
//   links on a page resolve against it).
// - A response body that is not read keeps its connection busy: every error path dumps it.
// - Retrying is only safe before the caller sees any body bytes; `get` retries up to the headers,
//   `fetchBytes` also retries failures while reading the body.

import { Buffer } from "node:buffer";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { quote, type WheelhouseError } from "../../pep/errors.js";
import { defaultNetrcPath, netrcLookup } from "../netrc.js";
import { basicAuthorization, unquoteUserinfo } from "../url-credentials.js";
import {
  HttpError,
  httpStatusError,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  redactUrl,
  wrapNetworkError,
} from "./http-errors.js";

/** Time, injectable so retry tests run without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** The undici dispatcher (see createDispatcher); closed by `close()`. */
  dispatcher: Dispatcher;
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** Headers and idle-body timeout per attempt, in ms (default 30 000). */
  timeoutMs?: number;
  /** First backoff delay in ms (default 500); doubles per attempt, capped by maxBackoffMs. */
  backoffMs?: number;
  /** Cap of one backoff delay and of an honoured Retry-After, in ms (default 60 000). */
  maxBackoffMs?: number;
  clock?: Clock;
  /** Uniform [0, 1) source for jitter (default Math.random). */
  random?: () => number;
  /** Path of the netrc file; null to use none; default $NETRC or ~/.netrc. */
  netrcPath?: string | null;
  userAgent?: string;
  /** Called before each retry, e.g. to print "retrying ... in 2 s"; `url` has its password as "****". */
  onRetry?(info: { url: string; attempt: number; delayMs: number; reason: string }): void;
}

/** Options of one request. */
export interface RequestOptions {
  headers?: Record<string, string>;
  /** Non-2xx statuses returned to the caller instead of thrown (e.g. [404] for "unknown project"). */
  allowStatus?: number[];
}

/** A response whose headers arrived. `url` is the final URL after redirects, without userinfo. */
export interface HttpResponse {
  url: string;
  status: number;
  /** Header value by lower-case name (multiple values joined with ", "). */
  header(name: string): string | undefined;
  /** The body; read it to the end or destroy it. */
  body: Readable;
}

/** The client mirror/upstream (sync) and install's find-links fetcher use. */
export interface HttpClient {
  /**
   * GET `url`, following redirects and retrying until the headers of a 2xx (or allowed) status.
   * @throws WheelhouseError "HTTP_ERROR" (final status), "NETWORK_ERROR", "TIMEOUT", "TLS_ERROR".
   */
  get(url: string, options?: RequestOptions): Promise<HttpResponse>;
  /** GET and read the whole body, retrying body failures too. Same errors as `get`. */
  fetchBytes(url: string, options?: RequestOptions): Promise<HttpResponse & { bytes: Buffer }>;
  /** The configured per-attempt timeout, in ms. */
  readonly timeoutMs: number;
  close(): Promise<void>;
}

function ignoreError(): void {}

/** Read and drop a body so its connection can serve the next request. */
async function discard(body: Readable): Promise<void> {
  try {
    for await (const _ of body) {
      // drained
    }
  } catch {
    // a broken error body does not matter
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 30;

/**
 * True when credentials sent to `from` may follow a redirect to `to` (requests' should_strip_auth
 * negated): the same origin, or an http -> https upgrade of the same host on the default ports.
 */
export function redirectKeepsCredentials(from: URL, to: URL): boolean {
  if (from.origin === to.origin) return true;
  return (
    from.hostname === to.hostname &&
    from.protocol === "http:" &&
    from.port === "" &&
    to.protocol === "https:" &&
    to.port === ""
  );
}

interface Credentials {
  username: string;
  password: string;
}

/** Create a client. The dispatcher is owned by the client from now on. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const dispatcher = options.dispatcher;
  const retries = options.retries ?? 5;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const userAgent = options.userAgent ?? "wheelhouse";
  const byOrigin = new Map<string, Credentials>();
  const netrcPath = options.netrcPath === undefined ? defaultNetrcPath() : options.netrcPath;
  const fromNetrc = netrcLookup(netrcPath);

  async function credentialsFor(url: URL): Promise<Credentials | undefined> {
    if (url.username || url.password) {
      const creds = {
        username: unquoteUserinfo(url.username),
        password: unquoteUserinfo(url.password),
      };
      byOrigin.set(url.origin, creds);
      return creds;
    }
    const known = byOrigin.get(url.origin);
    if (known) return known;
    const entry = await fromNetrc(url.hostname);
    return entry ? { username: entry.login, password: entry.password } : undefined;
  }

  /** One attempt: follow redirects, return the final response (any status). */
  async function attempt(url: string, req: RequestOptions): Promise<HttpResponse> {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      const creds = await credentialsFor(current);
      const target = new URL(current);
      target.username = "";
      target.password = "";
      target.hash = "";
      const headers: Record<string, string> = { "user-agent": userAgent, ...req.headers };
      if (creds) headers.authorization = basicAuthorization(creds.username, creds.password);
      const res = await dispatcher.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: "GET",
        headers,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode) && typeof location === "string") {
        await res.body.dump();
        const next = new URL(location, target);
        if (hop >= MAX_REDIRECTS) {
          throw new HttpError(
            "HTTP_ERROR",
            "GET",
            url,
            `failed: more than ${MAX_REDIRECTS} redirects, the last to ${quote(redactUrl(next))}`,
            { hint: "the server redirects in a loop; check the index URL" },
          );
        }
        if (next.protocol !== "http:" && next.protocol !== "https:") {
          throw new HttpError(
            "HTTP_ERROR",
            "GET",
            url,
            `failed: redirected to ${quote(redactUrl(next))}, which is not an http(s) URL`,
          );
        }
        if (creds && !next.username && !byOrigin.has(next.origin)) {
          if (redirectKeepsCredentials(target, next)) byOrigin.set(next.origin, creds);
        }
        current = next;
        continue;
      }
      const headerOf = (name: string): string | undefined => {
        const v = res.headers[name.toLowerCase()];
        return Array.isArray(v) ? v.join(", ") : v;
      };
      // A caller that gives up on a body destroys it; undici then emits "error" (aborted), which
      // must not crash the process when nobody is reading. Readers still get errors through
      // iteration or pipeline.
      res.body.on("error", ignoreError);
      return { url: target.toString(), status: res.statusCode, header: headerOf, body: res.body };
    }
  }

  function backoff(n: number): number {
    const base = Math.min(maxBackoffMs, backoffMs * 2 ** n);
    return Math.round(base / 2 + (random() * base) / 2);
  }

  async function withRetries<T>(
    url: string,
    req: RequestOptions,
    consume: (res: HttpResponse) => Promise<T>,
  ): Promise<T> {
    for (let n = 0; ; n++) {
      let failure: WheelhouseError;
      let delayMs = backoff(n);
      try {
        const res = await attempt(url, req);
        const ok = (res.status >= 200 && res.status < 300) || req.allowStatus?.includes(res.status);
        if (ok) {
          try {
            return await consume(res);
          } catch (error) {
            res.body.destroy();
            throw error;
          }
        }
        await discard(res.body);
        failure = httpStatusError("GET", url, res.status, n + 1);
        if (!isRetryableStatus(res.status) || n >= retries) throw failure;
        const asked = parseRetryAfter(res.header("retry-after"), clock.now());
        if (asked !== undefined) delayMs = Math.min(asked, maxBackoffMs);
      } catch (error) {
        const wrapped = wrapNetworkError(error, "GET", url, timeoutMs);
        if (wrapped.code === "HTTP_ERROR" || !isRetryableError(wrapped) || n >= retries) {
          throw wrapped;
        }
        failure = wrapped;
      }
      // redacted: the callback exists to print it
      options.onRetry?.({ url: redactUrl(url), attempt: n + 1, delayMs, reason: failure.message });
      await clock.sleep(delayMs);
    }
  }

  return {
    timeoutMs,
    get: (url, req = {}) => withRetries(url, req, async (res) => res),
    fetchBytes: (url, req = {}) =>
      withRetries(url, req, async (res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of res.body) chunks.push(chunk as Buffer);
        return { ...res, bytes: Buffer.concat(chunks) };
      }),
    close: () => dispatcher.close(),
  };
}
