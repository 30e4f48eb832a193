// The whole of install's network: fetch a find-links page (or a PEP 658 .metadata file) and
// download a file it links to, with Node's built-in fetch. Deliberately tiny and separate from
// mirror/upstream: install must not carry an index client (a test scans its imports).
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-f (find-links pages)
// Traps:
// - A download goes to a temp file in the caller's dir, checked against the page's sha256 when
//   it states one, and only then renamed to its filename.
// - fetch refuses URLs with credentials: they are taken out and sent as a Basic Authorization
//   header (fetch drops it on a redirect to another origin), and never shown unredacted.
// - Without credentials in the URL (or learnt for its origin from an earlier URL), the netrc
//   entry of the host is used, as pip does for every request ($NETRC, else ~/.netrc, else
//   ~/_netrc; read once).
// - A page's relative links resolve against the URL it came from after redirects
//   (`/links` -> `/links/` changes what `file.whl` means).

import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { type BlobExpectation, digestCheck } from "../../store/blobs.js";
import { trustDeferredCaCerts } from "../deferred-ca-certs.js";
import { defaultNetrcPath, type NetrcEntry, netrcLookup } from "../netrc.js";
import { basicAuthorization, redactUrl, splitCredentials } from "../url-credentials.js";

/** Authorization header values by origin, from find-links URLs given with credentials. */
const credentials = new Map<string, string>();

/** netrc lookups by file path (the path follows $NETRC and $HOME as they are at each request). */
const netrcs = new Map<string, (hostname: string) => Promise<NetrcEntry | undefined>>();

/** The Basic Authorization header value of `hostname`'s netrc entry, if any. */
async function netrcAuthorization(hostname: string): Promise<string | undefined> {
  const path = defaultNetrcPath();
  let lookup = netrcs.get(path);
  if (lookup === undefined) {
    lookup = netrcLookup(path);
    netrcs.set(path, lookup);
  }
  const entry = await lookup(hostname);
  return entry && basicAuthorization(entry.login, entry.password);
}

/**
 * GET `url` (credentials in it go as a Basic Authorization header, and are reused for other URLs
 * of the same origin, such as the files a page links to); errors name the URL redacted.
 */
async function get(url: string): Promise<Response> {
  trustDeferredCaCerts();
  const { url: bare, authorization } = splitCredentials(url);
  const parsed = new URL(bare);
  if (authorization !== undefined) credentials.set(parsed.origin, authorization);
  const auth =
    authorization ?? credentials.get(parsed.origin) ?? (await netrcAuthorization(parsed.hostname));
  let response: Response;
  try {
    response = await fetch(bare, {
      redirect: "follow",
      ...(auth !== undefined ? { headers: { authorization: auth } } : {}),
    });
  } catch (cause) {
    throw new WheelhouseError(
      "FIND_LINKS_UNREACHABLE",
      `find-links location ${quote(redactUrl(url))} could not be reached: ${(cause as Error).message}`,
      {
        hint: "check the URL, or copy the files to a directory and pass that with --find-links",
      },
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new WheelhouseError(
      "FIND_LINKS_UNAUTHORIZED",
      `find-links location ${quote(redactUrl(url))} answered HTTP ${response.status}`,
      {
        hint: "give the credentials in the URL (https://user:password@host/...) or in ~/.netrc ($NETRC)",
      },
    );
  }
  if (!response.ok) {
    throw new WheelhouseError(
      "FIND_LINKS_HTTP_ERROR",
      `find-links location ${quote(redactUrl(url))} answered HTTP ${response.status}`,
    );
  }
  return response;
}

/**
 * The body of `url` as text, and the URL it finally came from (after redirects: the base for
 * the page's relative links). @throws WheelhouseError "FIND_LINKS_UNREACHABLE",
 * "FIND_LINKS_UNAUTHORIZED" (HTTP 401 or 403) or "FIND_LINKS_HTTP_ERROR" (any other status
 * but 2xx).
 */
export async function fetchText(url: string): Promise<{ text: string; url: string }> {
  const response = await get(url);
  return { text: await response.text(), url: response.url || splitCredentials(url).url };
}

/**
 * Download `url` into `dir` as `filename`; checks the digests `expect` states (its sha256 and
 * any other hashlib-named ones Node has, e.g. a page's `#md5=`). Resolves to the path.
 * @throws WheelhouseError like {@link fetchText}, or "HASH_MISMATCH" naming the file, the
 *   algorithm, the actual and the stated digest.
 */
export async function downloadFile(
  url: string,
  filename: string,
  dir: string,
  expect: BlobExpectation = { label: filename },
): Promise<string> {
  const response = await get(url);
  const temp = join(dir, `.${randomBytes(6).toString("hex")}.part`);
  const digests = digestCheck(expect, true);
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
  body.on("data", (chunk: Buffer) => digests.update(chunk));
  try {
    await pipeline(body, createWriteStream(temp));
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
}
