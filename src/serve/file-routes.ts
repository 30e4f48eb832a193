// Distribution files and their core metadata, streamed from blobs:
// `/files/<sha256>/<filename>` and `/files/<sha256>/<filename>.metadata`; and the provenance
// object kept for a file (PEP 740) at `/files/<sha256>/<filename>.provenance`.
// Spec: RFC 9110 §14 (Range, 206, 416), §8.8.3 (ETag); PEP 658/714 (`<file-url>.metadata`,
// byte-identical to the METADATA inside the wheel).
// Traps:
// - The URL names both the sha256 and the filename, and both must match one catalog row, so a
//   guessed sha256 never serves a blob under another file's name.
// - Only single byte ranges are honoured; a multi-range request gets the whole file (allowed
//   by RFC 9110), an unsatisfiable one 416 with `Content-Range: bytes */size`.
// - A quarantined project's files are not offered (PEP 792): 404, with the reason.

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { ServerResponse } from "node:http";
import { pipeline, Readable } from "node:stream";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context, Hono } from "hono";
import { quotedReason } from "../pep/errors.js";
import { projectStatus } from "../store/project-status.js";
import { provenanceOf } from "../store/provenance.js";
import { findFile } from "../store/queries.js";
import { blobPath, type Store } from "../store/store.js";
import { problem } from "./problem.js";
import { etagMatches } from "./simple-routes.js";

const SHA256 = /^[0-9a-f]{64}$/;

/** Mount `/files/:sha256/:filename` (and its `.metadata`) on `app`. */
export function mountFileRoutes(app: Hono, store: Store): void {
  app.get("/files/:sha256/:filename", (c) => {
    const sha256 = c.req.param("sha256");
    let filename = c.req.param("filename"); // decoded by Hono already
    const wantsMetadata = filename.endsWith(".metadata");
    if (wantsMetadata) filename = filename.slice(0, -".metadata".length);
    const wantsProvenance = filename.endsWith(".provenance");
    if (wantsProvenance) filename = filename.slice(0, -".provenance".length);
    const file = SHA256.test(sha256) ? findFile(store, filename) : undefined;
    if (file === undefined || file.sha256 !== sha256) {
      return problem(
        404,
        "FILE_NOT_FOUND",
        `file ${JSON.stringify(filename)} is not in this index`,
      );
    }
    const status = projectStatus(store, file.project);
    if (status?.status === "quarantined") {
      return problem(
        404,
        "PROJECT_QUARANTINED",
        `project ${JSON.stringify(file.project)} is quarantined in this index${quotedReason(status.reason)}: none of its files is offered`,
      );
    }
    if (wantsProvenance) return sendProvenance(c, store, file.sha256, filename);
    if (wantsMetadata) {
      if (file.packageType !== "bdist_wheel") {
        return problem(
          404,
          "METADATA_NOT_FOUND",
          `no core metadata is offered for ${JSON.stringify(filename)}`,
        );
      }
      return sendBlob(
        c,
        blobPath(store, file.metadataSha256),
        file.metadataSha256,
        file.metadataSize,
        "text/plain; charset=utf-8",
      );
    }
    return sendBlob(
      c,
      blobPath(store, file.sha256),
      file.sha256,
      file.size,
      contentType(filename),
      filename,
    );
  });
}

/** The provenance object kept for a file (PEP 740), as its index served it; 404 when none. */
function sendProvenance(c: Context, store: Store, sha256: string, filename: string): Response {
  const provenance = provenanceOf(store, sha256);
  if (provenance === undefined) {
    return problem(
      404,
      "PROVENANCE_NOT_FOUND",
      `no provenance (PEP 740) is kept for ${JSON.stringify(filename)}`,
    );
  }
  const body = Buffer.from(provenance.body);
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  const headers: Record<string, string> = {
    "Content-Type": "application/vnd.pypi.integrity.v1+json",
    ETag: etag,
    "Cache-Control": "max-age=600, must-revalidate",
  };
  if (etagMatches(c.req.header("If-None-Match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers["Content-Length"] = String(body.length);
  return new Response(c.req.method === "HEAD" ? null : body, { status: 200, headers });
}

function contentType(filename: string): string {
  if (filename.endsWith(".whl") || filename.endsWith(".zip")) return "application/zip";
  if (filename.endsWith(".tar.gz")) return "application/gzip";
  if (filename.endsWith(".tar.bz2")) return "application/x-bzip2";
  return "application/octet-stream";
}

function sendBlob(
  c: Context,
  path: string,
  sha256: string,
  size: number,
  type: string,
  filename?: string,
): Response {
  const etag = `"${sha256}"`;
  const headers: Record<string, string> = {
    "Content-Type": type,
    ETag: etag,
    "Cache-Control": "public, max-age=31536000, immutable",
    "Accept-Ranges": "bytes",
  };
  if (filename !== undefined) {
    headers["Content-Disposition"] = `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`;
  }
  if (etagMatches(c.req.header("If-None-Match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  const range = parseRange(c.req.header("Range"), size, c.req.header("If-Range"), etag);
  if (range === "unsatisfiable") {
    return problem(
      416,
      "RANGE_NOT_SATISFIABLE",
      `range ${JSON.stringify(c.req.header("Range"))} is outside the file's ${size} bytes`,
      {
        "Content-Range": `bytes */${size}`,
      },
    );
  }
  const [start, end] = range ?? [0, size - 1];
  headers["Content-Length"] = String(size === 0 ? 0 : end - start + 1);
  const status = range === undefined ? 200 : 206;
  if (range !== undefined) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  if (c.req.method === "HEAD" || size === 0) return new Response(null, { status, headers });
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing !== undefined) {
    // Under @hono/node-server: pipe the blob straight into the socket, skipping the web-stream
    // round trip (about 3x the throughput for large files).
    outgoing.writeHead(status, headers);
    // pipeline, not pipe: when the client goes away mid-file, pipe() leaves the read stream
    // paused with its descriptor open for good; pipeline() destroys it (and the socket on a
    // read error). The error itself has no one left to tell.
    const source = createReadStream(path, { start, end, highWaterMark: 256 * 1024 });
    pipeline(source, outgoing, () => {});
    return RESPONSE_ALREADY_SENT;
  }
  const stream = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream;
  return new Response(stream, { status, headers });
}

/**
 * One byte range of RFC 9110 §14.1.2 against a representation of `size` bytes: `[start, end]`
 * inclusive, undefined for "send it all" (no Range, several ranges, a non-bytes unit, an If-Range
 * that no longer matches), or "unsatisfiable".
 */
export function parseRange(
  header: string | undefined,
  size: number,
  ifRange?: string,
  etag?: string,
): [number, number] | "unsatisfiable" | undefined {
  if (!header) return undefined;
  if (ifRange !== undefined && ifRange !== etag) return undefined;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (m === null) return undefined;
  const [, first, last] = m;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(first);
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return [start, end];
}
