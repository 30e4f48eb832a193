// Test helper: plain HTTP servers on 127.0.0.1 (port 0) for tests that write their own handler,
// and a logging forward proxy (http:// requests arrive in absolute form and are passed on).
import { createServer, request as httpRequest, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Listen on 127.0.0.1, any free port; resolves to `http://127.0.0.1:PORT` (no trailing slash). */
export async function listenLoopback(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Close `server` and the connections it still holds. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
}

/** A running loopback server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  close(): Promise<void>;
}

/** Serve `handler` on 127.0.0.1. */
export async function startLoopback(handler: RequestListener): Promise<LoopbackServer> {
  const server = createServer(handler);
  const url = await listenLoopback(server);
  return { url, close: () => closeServer(server) };
}

/** A forward proxy that records the request target of each request it passes on. */
export async function startForwardProxy(): Promise<LoopbackServer & { seen: string[] }> {
  const seen: string[] = [];
  const proxy = await startLoopback((req, res) => {
    seen.push(req.url ?? "");
    const out = httpRequest(req.url ?? "", { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on("error", () => res.writeHead(502).end());
    req.pipe(out);
  });
  return { ...proxy, seen };
}
