// The only file that listens: runs a Hono app with @hono/node-server and shuts it down cleanly
// on SIGINT/SIGTERM (stop accepting, let requests in flight finish, then close the store).
// Spec: https://github.com/honojs/node-server (serve(), the returned http.Server)
// Traps: keep-alive sockets keep `server.close()` waiting; closeIdleConnections() ends them.
// With TLS the server is node:https's (@hono/node-server's createServer option); the routes that
// write to the Node response directly see the same ServerResponse class.

import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

/** A certificate chain and its private key, PEM, for HTTPS. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** A listening server: its address and a stop function. */
export interface RunningServer {
  host: string;
  port: number;
  /** Base URL such as "http://127.0.0.1:8080". */
  url: string;
  close(): Promise<void>;
}

/**
 * Listen on `host:port` (port 0: any free port), over HTTPS with `tls`, and resolve once
 * listening.
 * @throws (rejects) the server's error: EADDRINUSE, EACCES, or a TLS key that does not match.
 */
export function listen(
  app: Hono,
  host: string,
  port: number,
  tls?: TlsFiles,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const options = {
      fetch: app.fetch,
      hostname: host,
      port,
      ...(tls
        ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } }
        : {}),
    };
    const server = serve(options, (info: AddressInfo) => {
      const shown = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        host: info.address,
        port: info.port,
        url: `${tls ? "https" : "http"}://${shown}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ("closeIdleConnections" in server) server.closeIdleConnections();
          }),
      });
    });
    server.once("error", reject);
  });
}
