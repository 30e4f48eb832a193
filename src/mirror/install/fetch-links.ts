// The whole of install's network: fetch a find-links page (or a PEP 658 .metadata file) and
// download a file it links to, through the same HTTP layer as sync (../http: undici, redirects,
// credentials from the URL or netrc, retries with backoff, timeouts, proxy, --cert and
// --client-cert), with pip's network options. Never an index client: install must not carry one
// (a test scans its imports).
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-f (find-links pages),
// https://pip.pypa.io/en/stable/cli/pip/#general-options (--proxy, --retries, --timeout, --cert,
// --client-cert)
// Traps:
// - The HTTP layer (and undici, ~20 ms to load) is imported at the first request, so installs
//   from local folders, the common air-gapped case, never load it.
// - A download goes to a temp file in the caller's dir, checked against the page's digests when
//   it states any, and only then renamed to its filename.
// - Errors are told as find-links errors, with the URL redacted: "FIND_LINKS_UNREACHABLE"
//   (connection, timeout, TLS) and "FIND_LINKS_HTTP_ERROR" (a final status) let the caller skip
//   a page as pip does; 401 and 403 are "FIND_LINKS_UNAUTHORIZED", which it does not skip.
// - A page's relative links resolve against the URL it came from after redirects
//   (`/links` -> `/links/` changes what `file.whl` means).

import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { type BlobExpectation, digestCheck } from "../../store/blobs.js";
import type { HttpClient, HttpResponse } from "../http/http-client.js";
import { redactUrl } from "../url-credentials.js";

/** How find-links URLs are reached: pip's general network options. */
export interface FindLinksNetwork {
  /** `--proxy URL` for every find-links URL, instead of HTTP(S)_PROXY / ALL_PROXY / NO_PROXY. */
  proxy?: string;
  /** `--cert FILE`: PEM CA bundle trusted instead of Node's built-in roots. */
  cert?: string;
  /** `--client-cert FILE`: PEM holding a client certificate and its private key. */
  clientCert?: string;
  /** `--retries N` after the first attempt (default 5). */
  retries?: number;
  /** `--timeout S`, per attempt, in ms (default 30 000). */
  timeoutMs?: number;
  /** Environment for the proxy variables (default process.env). */
  env?: Record<string, string | undefined>;
  /** User-Agent header. */
  userAgent?: string;
}

/** Fetches find-links pages and files; close() when the install ends. */
export interface FindLinksFetcher {
  /**
   * The body of `url` as text, and the URL it finally came from (after redirects, without
   * credentials: the base for the page's relative links).
   * @throws WheelhouseError "FIND_LINKS_UNREACHABLE", "FIND_LINKS_UNAUTHORIZED" (HTTP 401 or
   *   403) or "FIND_LINKS_HTTP_ERROR" (any other final status but 2xx); "INVALID_OPTION" for an
   *   unreadable --cert / --client-cert or a bad proxy URL.
   */
  fetchText(url: string): Promise<{ text: string; url: string }>;
  /**
   * Download `url` into `dir` as `filename`; checks the digests `expect` states (its sha256 and
   * any other hashlib-named ones Node has, e.g. a page's `#md5=`). Resolves to the path.
   * @throws like fetchText, or "HASH_MISMATCH" naming the file, the algorithm, the actual and
   *   the stated digest.
   */
  downloadFile(
    url: string,
    filename: string,
    dir: string,
    expect?: BlobExpectation,
  ): Promise<string>;
  /** Close the connections, if any were opened. */
  close(): Promise<void>;
}

/** A fetcher for `network`; nothing is loaded or opened before the first request. */
export function findLinksFetcher(network: FindLinksNetwork = {}): FindLinksFetcher {
  let client: Promise<HttpClient> | undefined;
  const http = (): Promise<HttpClient> => {
    client ??= (async () => {
      const { createDispatcher } = await import("../http/dispatcher.js");
      const { createHttpClient } = await import("../http/http-client.js");
      const dispatcher = createDispatcher({
        ...(network.proxy ? { proxy: network.proxy } : {}),
        ...(network.cert ? { cert: network.cert } : {}),
        ...(network.clientCert ? { clientCert: network.clientCert } : {}),
        ...(network.env ? { env: network.env } : {}),
        ...(network.timeoutMs !== undefined ? { connectTimeoutMs: network.timeoutMs } : {}),
      });
      return createHttpClient({
        dispatcher,
        retries: network.retries ?? 5,
        timeoutMs: network.timeoutMs ?? 30_000,
        ...(network.userAgent ? { userAgent: network.userAgent } : {}),
      });
    })();
    return client;
  };

  async function get(url: string): Promise<HttpResponse> {
    try {
      return await (await http()).get(url);
    } catch (error) {
      throw asFindLinksError(error, url);
    }
  }

  return {
    async fetchText(url) {
      try {
        // fetchBytes also retries a body that breaks off.
        const response = await (await http()).fetchBytes(url);
        return { text: response.bytes.toString("utf8"), url: response.url };
      } catch (error) {
        throw asFindLinksError(error, url);
      }
    },

    async downloadFile(url, filename, dir, expect = { label: filename }) {
      const response = await get(url);
      const temp = join(dir, `.${randomBytes(6).toString("hex")}.part`);
      const digests = digestCheck(expect, true);
      response.body.on("data", (chunk: Buffer) => digests.update(chunk));
      try {
        try {
          await pipeline(response.body, createWriteStream(temp));
        } catch (error) {
          // A body that breaks off is told as the HTTP layer tells it (the URL, what happened).
          const { wrapNetworkError } = await import("../http/http-errors.js");
          // Errors of the file written carry its path; those of the connection do not.
          const disk = (error as { path?: string }).path !== undefined;
          throw disk ? error : asFindLinksError(wrapNetworkError(error, "GET", url), url);
        }
        const bad = digests.mismatch();
        if (bad) {
          throw new WheelhouseError(
            "HASH_MISMATCH",
            `${quote(filename)} from ${quote(redactUrl(url))} has ${bad.algorithm} ${bad.actual}, the page says ${bad.expected}`,
          );
        }
        const path = join(dir, filename);
        await rename(temp, path);
        return path;
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },

    async close() {
      if (client === undefined) return;
      await (await client.catch(() => undefined))?.close();
    },
  };
}

/**
 * The HTTP layer's error about `url` told as a find-links error (see Traps); errors of the
 * options themselves ("INVALID_OPTION") and of the local disk pass through.
 */
function asFindLinksError(error: unknown, url: string): unknown {
  if (!(error instanceof WheelhouseError)) return error;
  const where = `find-links location ${quote(redactUrl(url))}`;
  // The HTTP layer's errors (HttpError, ../http/http-errors.ts, not imported: it would load the
  // layer eagerly) carry what happened apart from where, and the final status.
  const { reason: told, status } = error as WheelhouseError & { reason?: string; status?: number };
  if (told === undefined) return error;
  const reason = told.replace(/^failed: /, "");
  switch (error.code) {
    case "HTTP_ERROR":
      if (status === 401 || status === 403) {
        return new WheelhouseError("FIND_LINKS_UNAUTHORIZED", `${where} answered HTTP ${status}`, {
          hint: "give the credentials in the URL (https://user:password@host/...) or in ~/.netrc ($NETRC)",
          cause: error,
        });
      }
      if (status === undefined) {
        return new WheelhouseError("FIND_LINKS_HTTP_ERROR", `${where} failed: ${reason}`, {
          cause: error,
        });
      }
      return new WheelhouseError("FIND_LINKS_HTTP_ERROR", `${where} answered ${reason}`, {
        ...(error.hint ? { hint: error.hint } : {}),
        cause: error,
      });
    case "NETWORK_ERROR":
    case "TIMEOUT":
      return new WheelhouseError(
        "FIND_LINKS_UNREACHABLE",
        `${where} could not be reached: ${reason}`,
        {
          hint:
            error.code === "TIMEOUT"
              ? "raise --timeout, or copy the files to a directory and pass that with --find-links"
              : "check the URL and the proxy settings (--proxy, HTTPS_PROXY, NO_PROXY), or copy the files to a directory and pass that with --find-links",
          cause: error,
        },
      );
    case "TLS_ERROR":
      return new WheelhouseError(
        "FIND_LINKS_UNREACHABLE",
        `${where} could not be reached: ${reason}; give the CA bundle of the server (or of its proxy) with --cert FILE`,
        { cause: error },
      );
    default:
      return error;
  }
}
