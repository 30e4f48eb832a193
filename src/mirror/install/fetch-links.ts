// The whole of install's network: fetch a find-links page (or a PEP 658 .metadata file) and
// download a file it links to, with Node's built-in fetch. Deliberately tiny and separate from
// mirror/upstream: install must not carry an index client (a test scans its imports).
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-f (find-links pages)
// Traps:
// - A download goes to a temp file in the caller's dir, checked against the page's sha256 when
//   it states one, and only then renamed to its filename.

import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { quote, WheelhouseError } from "../../pep/errors.js";

async function get(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: "follow" });
  } catch (cause) {
    throw new WheelhouseError(
      "FIND_LINKS_UNREACHABLE",
      `find-links location ${quote(url)} could not be reached`,
      {
        cause,
        hint: "check the URL, or copy the files to a directory and pass that with --find-links",
      },
    );
  }
  if (!response.ok) {
    throw new WheelhouseError(
      "FIND_LINKS_HTTP_ERROR",
      `find-links location ${quote(url)} answered HTTP ${response.status}`,
    );
  }
  return response;
}

/** The body of `url` as text. @throws WheelhouseError "FIND_LINKS_UNREACHABLE" / "FIND_LINKS_HTTP_ERROR". */
export async function fetchText(url: string): Promise<string> {
  return (await get(url)).text();
}

/**
 * Download `url` into `dir` as `filename`; checks `sha256` (hex) when given. Resolves to the path.
 * @throws WheelhouseError like {@link fetchText}, or "HASH_MISMATCH" naming the file.
 */
export async function downloadFile(
  url: string,
  filename: string,
  dir: string,
  sha256?: string,
): Promise<string> {
  const response = await get(url);
  const temp = join(dir, `.${randomBytes(6).toString("hex")}.part`);
  const hash = createHash("sha256");
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
  body.on("data", (chunk: Buffer) => hash.update(chunk));
  try {
    await pipeline(body, createWriteStream(temp));
    const digest = hash.digest("hex");
    if (sha256 !== undefined && digest !== sha256.toLowerCase()) {
      throw new WheelhouseError(
        "HASH_MISMATCH",
        `${quote(filename)} from ${quote(url)} has sha256 ${digest}, the page says ${sha256}`,
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
