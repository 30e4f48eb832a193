// The HTTP face of the store: `createApp()` builds the Hono app (no listen: tests call
// `app.request()`); server.ts is the only file that listens.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/
// Trap: the app holds one catalog connection; SQLite WAL lets it read while `wheelhouse add` or
// `sync` write from other processes, and the page cache notices their commits (data_version).

import { Hono } from "hono";
import type { Store } from "../store/store.js";
import { mountFileRoutes } from "./file-routes.js";
import { PageCache } from "./page-cache.js";
import { problem } from "./problem.js";
import { mountSimpleRoutes } from "./simple-routes.js";
import { mountUploadRoutes } from "./upload.js";
import { publicUrl } from "./urls.js";

/** Uploads up to 1 GiB by default (the largest wheels, CUDA builds, come near that). */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Options of {@link createApp}. */
export interface AppOptions {
  store: Store;
  /** Public URL of the server (e.g. "https://pypi.internal/"); links are absolute under it. */
  baseUrl?: string;
  /** Enables the legacy upload API with this token (HTTP Basic, user `__token__`). */
  uploadToken?: string;
  /** The largest upload body accepted, in bytes (default {@link DEFAULT_MAX_UPLOAD_BYTES}). */
  maxUploadBytes?: number;
  /** One line per request: method, path, status, milliseconds. */
  log?: (line: string) => void;
}

/** Build the index server's Hono app over an open store. */
export function createApp(options: AppOptions): Hono {
  const { store, log } = options;
  const app = new Hono();
  const cache = new PageCache(store);

  if (log) {
    app.use(async (c, next) => {
      const started = performance.now();
      await next();
      const ms = (performance.now() - started).toFixed(1);
      // The path as it came, still percent-encoded: Hono's c.req.path is decoded, and a
      // "%0D%0A" in it would let any client forge log lines.
      log(`${c.req.method} ${new URL(c.req.url).pathname} ${c.res.status} ${ms}ms`);
    });
  }

  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/", (c) => c.redirect(publicUrl(options.baseUrl, "/simple/"), 302));
  mountSimpleRoutes(app, {
    store,
    cache,
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
  });
  mountFileRoutes(app, store);
  if (options.uploadToken) {
    mountUploadRoutes(app, {
      store,
      token: options.uploadToken,
      maxBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      onChange: () => cache.invalidate(),
      ...(log ? { log } : {}),
    });
  } else {
    // RFC 9110 §15.5.6: a 405 lists the methods that are allowed.
    const off = () =>
      problem(
        405,
        "UPLOADS_DISABLED",
        "uploads are disabled on this server; start it with --upload-token to enable them",
        { Allow: "GET, HEAD" },
      );
    app.post("/", off);
    app.post("/legacy/", off);
    app.post("/legacy", off);
  }
  app.notFound(() => problem(404, "NOT_FOUND", "no such page; the index is at /simple/"));
  app.onError((error) => problem(500, "INTERNAL_ERROR", error.message));
  return app;
}
