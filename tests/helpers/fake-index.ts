// Test helper: a fake upstream simple index on 127.0.0.1 port 0 (node:http), serving generated
// distributions as PEP 691 JSON or PEP 503 HTML according to Accept, PEP 658 `.metadata` files
// for some files, optional Range support, a flat find-links page, Basic auth, and injectable
// failures. It counts requests and body bytes per path so tests can prove what was (not) fetched.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/
// Trap: pages are written by hand here (not with src/pep renderers) so that the client is tested
// against an independent serialization.

import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BuiltDistribution } from "./wheels.js";

/** One file the fake index lists. */
export interface FakeFile {
  dist: BuiltDistribution;
  /** Serve and advertise `<file>.metadata` (default true for wheels, false for sdists). */
  metadata?: boolean;
  /** Serve a `.metadata` whose bytes differ from the advertised hash. */
  tamperMetadata?: boolean;
  requiresPython?: string;
  yanked?: false | string;
  uploadTime?: string;
  /**
   * A PEP 740 provenance object (JSON text), advertised (JSON `provenance`, HTML
   * `data-provenance`) and served at `/integrity/<filename>/provenance`.
   */
  provenance?: string;
}

/** A failure served instead of the normal answer, once per queued entry. */
export type Failure =
  | { status: number; retryAfter?: string }
  | { reset: true }
  | { delayMs: number };

export interface FakeIndexOptions {
  /** Canonical project name -> files. */
  projects?: Record<string, FakeFile[]>;
  /** Honour Range requests on files (default true). */
  range?: boolean;
  /** Force one serialization of project pages regardless of Accept. */
  format?: "json" | "html";
  /** Require Basic auth with these credentials on every path. */
  auth?: { username: string; password: string };
  /** PEP 792 statuses stated by project pages (JSON `project-status`, HTML metas; API 1.4). */
  statuses?: Record<string, { status: string; reason?: string }>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
}

export interface FakeIndex {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The simple index root, `${origin}/simple/`. */
  indexUrl: string;
  /** The flat find-links page listing every file, `${origin}/links/`. */
  linksUrl: string;
  options: FakeIndexOptions;
  log: LoggedRequest[];
  /** Requests per path. */
  count(path: string): number;
  /** Body bytes sent per path. */
  bytes(path: string): number;
  /** Queue failures for the next requests to `path`. */
  fail(path: string, ...failures: Failure[]): void;
  /** Path of a file: `/files/<filename>`. */
  filePath(filename: string): string;
  close(): Promise<void>;
}

const JSON_TYPE = "application/vnd.pypi.simple.v1+json";

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function metadataBytes(file: FakeFile): Buffer {
  const text = file.dist.metadata + (file.tamperMetadata ? "Summary: tampered\n" : "");
  return Buffer.from(text);
}

function hasMetadata(file: FakeFile): boolean {
  return file.metadata ?? file.dist.filename.endsWith(".whl");
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function wantsJson(accept: string | undefined): boolean {
  for (const part of (accept ?? "").split(",")) {
    const [type, ...params] = part.trim().split(";");
    if (type.trim() !== JSON_TYPE) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

function anchor(file: FakeFile, href: string): string {
  const attrs = [`href="${escapeHtml(`${href}#sha256=${file.dist.sha256}`)}"`];
  if (file.provenance !== undefined) {
    const up = href.startsWith("../../") ? "../../" : "../";
    attrs.push(
      `data-provenance="${escapeHtml(`${up}integrity/${encodeURIComponent(file.dist.filename)}/provenance`)}"`,
    );
  }
  if (file.requiresPython) attrs.push(`data-requires-python="${escapeHtml(file.requiresPython)}"`);
  if (file.yanked !== undefined && file.yanked !== false) {
    attrs.push(`data-yanked="${escapeHtml(file.yanked)}"`);
  }
  if (hasMetadata(file)) {
    const v = `sha256=${sha256(Buffer.from(file.dist.metadata))}`;
    attrs.push(`data-core-metadata="${v}"`, `data-dist-info-metadata="${v}"`);
  }
  return `<a ${attrs.join(" ")}>${escapeHtml(file.dist.filename)}</a><br/>`;
}

type Status = { status: string; reason?: string } | undefined;

function projectHtml(name: string, files: FakeFile[], status?: Status): string {
  const links = files.map((f) => anchor(f, `../../files/${encodeURIComponent(f.dist.filename)}`));
  const metas = status
    ? `<meta name="pypi:project-status" content="${escapeHtml(status.status)}">` +
      (status.reason === undefined
        ? ""
        : `<meta name="pypi:project-status-reason" content="${escapeHtml(status.reason)}">`)
    : "";
  return `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="${status ? "1.4" : "1.0"}">${metas}<title>Links for ${name}</title></head><body><h1>Links for ${name}</h1>\n${links.join("\n")}\n</body></html>\n`;
}

function projectJson(origin: string, name: string, files: FakeFile[], status?: Status): string {
  return JSON.stringify({
    meta: { "api-version": status ? "1.4" : "1.1" },
    name,
    ...(status ? { "project-status": status } : {}),
    versions: [...new Set(files.map((f) => f.dist.filename.split("-")[1]))],
    files: files.map((f) => ({
      filename: f.dist.filename,
      url: `${origin}/files/${encodeURIComponent(f.dist.filename)}`,
      hashes: { sha256: f.dist.sha256 },
      "requires-python": f.requiresPython ?? null,
      yanked: f.yanked === undefined || f.yanked === false ? false : f.yanked || true,
      "core-metadata": hasMetadata(f) ? { sha256: sha256(Buffer.from(f.dist.metadata)) } : false,
      size: f.dist.bytes.length,
      "upload-time": f.uploadTime ?? "2024-01-01T00:00:00.000000Z",
      ...(f.provenance !== undefined
        ? { provenance: `${origin}/integrity/${encodeURIComponent(f.dist.filename)}/provenance` }
        : {}),
    })),
  });
}

function sendRange(
  req: IncomingMessage,
  res: ServerResponse,
  data: Buffer,
  range: boolean,
): Buffer {
  const header = req.headers.range;
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header);
  if (!range || m === null || (m[1] === "" && m[2] === "")) {
    res.writeHead(200, {
      "content-length": data.length,
      "accept-ranges": range ? "bytes" : "none",
    });
    return data;
  }
  let start: number;
  let end: number;
  if (m[1] === "") {
    start = Math.max(0, data.length - Number(m[2]));
    end = data.length - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? data.length - 1 : Math.min(Number(m[2]), data.length - 1);
  }
  if (start >= data.length || start > end) {
    res.writeHead(416, { "content-range": `bytes */${data.length}` });
    return Buffer.alloc(0);
  }
  res.writeHead(206, {
    "content-length": end - start + 1,
    "content-range": `bytes ${start}-${end}/${data.length}`,
    "accept-ranges": "bytes",
  });
  return data.subarray(start, end + 1);
}

/** Start a fake index; `options` stays live (tests may flip `range` or add projects). */
export async function startFakeIndex(options: FakeIndexOptions = {}): Promise<FakeIndex> {
  options.projects ??= {};
  const counts = new Map<string, number>();
  const bytes = new Map<string, number>();
  const failures = new Map<string, Failure[]>();
  const log: LoggedRequest[] = [];
  let origin = "";

  const allFiles = () => Object.values(options.projects ?? {}).flat();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    counts.set(path, (counts.get(path) ?? 0) + 1);
    log.push({ method: req.method ?? "GET", path, headers: req.headers });
    const failure = failures.get(path)?.shift();
    if (failure && "reset" in failure) {
      req.socket.destroy();
      return;
    }
    if (failure && "delayMs" in failure) await new Promise((r) => setTimeout(r, failure.delayMs));
    if (failure && "status" in failure) {
      const headers: Record<string, string> = { "content-type": "text/plain" };
      if (failure.retryAfter !== undefined) headers["retry-after"] = failure.retryAfter;
      res.writeHead(failure.status, headers).end(`failure ${failure.status}\n`);
      return;
    }
    if (options.auth) {
      const expected = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString("base64")}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="fake"' }).end("unauthorized\n");
        return;
      }
    }
    const send = (status: number, type: string, body: Buffer | string) => {
      const data = Buffer.isBuffer(body) ? body : Buffer.from(body);
      bytes.set(path, (bytes.get(path) ?? 0) + data.length);
      res.writeHead(status, { "content-type": type, "content-length": data.length }).end(data);
    };
    const project = /^\/simple\/([^/]+)\/$/.exec(path);
    if (project) {
      const files = options.projects?.[project[1]];
      if (files === undefined) return send(404, "text/plain", "not found\n");
      const json = options.format ? options.format === "json" : wantsJson(req.headers.accept);
      const status = options.statuses?.[project[1]];
      if (json) return send(200, JSON_TYPE, projectJson(origin, project[1], files, status));
      return send(200, "text/html; charset=utf-8", projectHtml(project[1], files, status));
    }
    if (path === "/links/") {
      const links = allFiles().map((f) =>
        anchor(f, `../files/${encodeURIComponent(f.dist.filename)}`),
      );
      return send(200, "text/html", `<html><body>\n${links.join("\n")}\n</body></html>\n`);
    }
    const integrity = /^\/integrity\/(.+)\/provenance$/.exec(path);
    if (integrity) {
      const found = allFiles().find((f) => f.dist.filename === integrity[1]);
      if (found?.provenance !== undefined) {
        return send(200, "application/vnd.pypi.integrity.v1+json", found.provenance);
      }
    }
    const file = /^\/files\/(.+)$/.exec(path);
    if (file) {
      const isMeta = file[1].endsWith(".metadata");
      const filename = isMeta ? file[1].slice(0, -".metadata".length) : file[1];
      const found = allFiles().find((f) => f.dist.filename === filename);
      if (found && isMeta && hasMetadata(found))
        return send(200, "text/plain", metadataBytes(found));
      if (found && !isMeta) {
        const body = sendRange(req, res, found.dist.bytes, options.range ?? true);
        // What the server set out to send (an aborted body counts in full: conservative).
        bytes.set(path, (bytes.get(path) ?? 0) + body.length);
        res.end(body);
        return;
      }
    }
    send(404, "text/plain", "not found\n");
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.destroy(error);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    indexUrl: `${origin}/simple/`,
    linksUrl: `${origin}/links/`,
    options,
    log,
    count: (p) => counts.get(p) ?? 0,
    bytes: (p) => bytes.get(p) ?? 0,
    fail: (p, ...f) => failures.set(p, [...(failures.get(p) ?? []), ...f]),
    filePath: (filename) => `/files/${filename}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
