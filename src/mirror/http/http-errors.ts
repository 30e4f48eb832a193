// Turn what undici throws or answers into WheelhouseErrors that name the URL and what happened,
// decide what is worth retrying, and read Retry-After.
// Specs: RFC 9110 §10.2.3 (Retry-After: delay-seconds or HTTP-date),
// https://www.rfc-editor.org/rfc/rfc9110#field.retry-after ; undici error codes:
// https://undici.nodejs.org/#/docs/api/Errors
// Traps:
// - Node's socket errors (ECONNREFUSED, ECONNRESET...) may arrive bare or as the `cause` of an
//   undici error; the most specific code is the one the user can act on.
// - A URL may carry a password in its userinfo: messages show it as "****".
// - TLS verification failures are not transient: retrying them only delays the hint about --cert.

import { STATUS_CODES } from "node:http";
import { quote, WheelhouseError, type WheelhouseErrorOptions } from "../../pep/errors.js";
import { redactUrl } from "../url-credentials.js";

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed while sending",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "temporary DNS failure",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_SOCKET: "the server closed the connection",
  UND_ERR_CLOSED: "the connection was closed",
};

const TIMEOUTS: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: "could not connect",
  UND_ERR_HEADERS_TIMEOUT: "no response headers",
  UND_ERR_BODY_TIMEOUT: "the response body stalled",
};

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

export { redactUrl };

/**
 * An error of the HTTP layer: the message is `METHOD "URL" <reason>`; `reason` is what happened
 * apart from where ("failed: connection refused (ECONNREFUSED)", "failed: HTTP 404 Not Found",
 * "timed out: ..."), and `status` the final HTTP status when there was one. Callers that tell the
 * error their own way (install's find-links) read these instead of the message.
 */
export class HttpError extends WheelhouseError {
  readonly status?: number;

  constructor(
    code: string,
    method: string,
    url: string,
    readonly reason: string,
    options: WheelhouseErrorOptions & { status?: number } = {},
  ) {
    super(code, `${method} ${quote(redactUrl(url))} ${reason}`, options);
    if (options.status !== undefined) this.status = options.status;
  }
}

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  let code: string | undefined;
  // Walk the cause chain and keep the innermost code: it is the OS-level one.
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === "string" && !(code && TIMEOUTS[code])) code = c;
    e = e.cause;
  }
  return code;
}

/**
 * Wrap an error thrown while requesting `url` (connecting, waiting, reading the body).
 * Codes: "TIMEOUT" (undici timeouts), "TLS_ERROR" (certificate problems), else "NETWORK_ERROR"
 * with the socket error's code (e.g. ECONNREFUSED) in the message. WheelhouseErrors pass through.
 */
export function wrapNetworkError(
  error: unknown,
  method: string,
  url: string,
  timeoutMs?: number,
): WheelhouseError {
  if (error instanceof WheelhouseError) return error;
  const code = errorCode(error) ?? "UNKNOWN";
  if (TIMEOUTS[code]) {
    const within = timeoutMs === undefined ? "" : ` within ${timeoutMs / 1000} s`;
    return new HttpError("TIMEOUT", method, url, `timed out: ${TIMEOUTS[code]}${within}`, {
      hint: "raise --timeout, or check the network path to the index",
      cause: error,
    });
  }
  if (TLS_CODES.has(code)) {
    return new HttpError(
      "TLS_ERROR",
      method,
      url,
      `failed: TLS certificate check failed (${code})`,
      {
        hint: "give the CA bundle of your index or proxy with --cert FILE",
        cause: error,
      },
    );
  }
  const reason = NETWORK_REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  return new HttpError("NETWORK_ERROR", method, url, `failed: ${reason} (${code})`, {
    hint: "check the URL, your connection and proxy settings (--proxy, HTTPS_PROXY, NO_PROXY)",
    cause: error,
  });
}

/** An "HTTP_ERROR" for a final non-2xx status, e.g. `GET "https://x/simple/a/" failed: HTTP 503 Service Unavailable`. */
export function httpStatusError(
  method: string,
  url: string,
  status: number,
  attempts: number,
): WheelhouseError {
  const after = attempts > 1 ? ` after ${attempts} attempts` : "";
  const reason = STATUS_CODES[status] ?? "";
  let hint: string | undefined;
  if (status === 401 || status === 403) {
    hint = "give credentials in the URL (https://user:password@host/...) or in ~/.netrc";
  } else if (status === 407) {
    hint =
      "the proxy wants credentials: put them in the proxy URL (http://user:password@proxy:port)";
  } else if (status === 429 || status >= 500) {
    hint = "the server is struggling; try again later or raise --retries";
  }
  return new HttpError(
    "HTTP_ERROR",
    method,
    url,
    `failed: HTTP ${status}${reason ? ` ${reason}` : ""}${after}`,
    hint === undefined ? { status } : { hint, status },
  );
}

/** True for statuses worth another try: 408, 429 and 5xx except 501 and 505 (they will not change). */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** True for errors worth another try: network and timeout errors, not TLS or programming errors. */
export function isRetryableError(error: WheelhouseError): boolean {
  return error.code === "NETWORK_ERROR" || error.code === "TIMEOUT";
}

/**
 * The delay a Retry-After header asks for, in milliseconds, or undefined when absent or invalid.
 * `now` is the current time in ms since the epoch (for the HTTP-date form).
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP-date starts with a day name (IMF-fixdate, RFC 850, asctime); Date.parse alone
  // takes "1.5" or "-1" for dates in 2001 and the wait would be none.
  if (!/^[a-z]{3}/i.test(v)) return undefined;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
