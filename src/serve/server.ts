// The only file that listens: runs a Hono app with @hono/node-server and shuts it down cleanly
// on SIGINT/SIGTERM (stop accepting, let requests in flight finish, then close the store).
// Spec: https://github.com/honojs/node-server (serve(), the returned http.Server)
// Trap: keep-alive sockets keep `server.close()` waiting; closeIdleConnections() ends them.

import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

/** A listening server: its address and a stop function. */
export interface RunningServer {
  host: string;
  port: number;
  /** Base URL such as "http://127.0.0.1:8080". */
  url: string;
  close(): Promise<void>;
}

/** Listen on `host:port` (port 0: any free port) and resolve once listening. */
export function listen(app: Hono, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shown = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        host: info.address,
        port: info.port,
        url: `http://${shown}:${info.port}`,
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
