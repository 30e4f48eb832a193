// Test helper: a plain static file server on 127.0.0.1 (port 0), like nginx with `index
// index.html`: a directory URL serves its index.html. Used to serve built indexes (packse) as
// they are on disk, with no wheelhouse code in the path.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";

/** A running static server. */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".whl": "application/zip",
  ".gz": "application/gzip",
  ".zip": "application/zip",
  ".metadata": "text/plain",
};

/** Serve `root` read-only on 127.0.0.1; over HTTPS when given a key and certificate (PEM). */
export async function startStaticServer(
  root: string,
  tls?: { key: Buffer | string; cert: Buffer | string },
): Promise<StaticServer> {
  const handler = async (
    req: import("node:http").IncomingMessage,
    res: import("node:http").ServerResponse,
  ) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (path.includes("..")) {
      res.writeHead(400).end();
      return;
    }
    let file = join(root, path);
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) file = join(file, "index.html");
    const found = await stat(file).catch(() => undefined);
    if (found === undefined || !found.isFile()) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    const ext = Object.keys(TYPES).find((e) => file.endsWith(e));
    res.writeHead(200, {
      "Content-Type": ext ? TYPES[ext] : "application/octet-stream",
      "Content-Length": found.size,
    });
    createReadStream(file).pipe(res);
  };
  const server = tls ? createTlsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
