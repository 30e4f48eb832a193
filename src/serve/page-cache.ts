// Rendered simple-index pages kept in memory until the catalog changes, with their ETag and
// gzip form, so a busy index renders and compresses each page once per catalog change.
// Spec: https://www.sqlite.org/pragma.html#pragma_data_version (changes when another connection
// commits), RFC 9110 §8.8.3 (ETag).
// Traps: data_version does not change for commits made on the same connection, so the server's
// own uploads call `invalidate()`; the cache is bounded so a crawler cannot grow it without end.

import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Store } from "../store/store.js";

/** One rendered page: body, strong ETag, and its gzip encoding made on first demand. */
export interface CachedPage {
  /** The page's UTF-8 bytes, encoded once. */
  body: Buffer;
  etag: string;
  contentType: string;
  gzipped?: Buffer;
}

/** Pages keyed by path and format; cleared when the catalog's data_version moves. */
export class PageCache {
  private readonly pages = new Map<string, CachedPage>();
  private version = -1;
  private readonly dataVersion;

  constructor(
    store: Store,
    private readonly maxEntries = 10_000,
  ) {
    this.dataVersion = store.db.prepare("PRAGMA data_version").pluck();
  }

  /** The cached page for `key`, or the one `render` makes (then cached). */
  get(key: string, render: () => { body: string; contentType: string } | undefined) {
    const now = this.dataVersion.get() as number;
    if (now !== this.version) {
      this.pages.clear();
      this.version = now;
    }
    const hit = this.pages.get(key);
    if (hit !== undefined) return hit;
    const rendered = render();
    if (rendered === undefined) return undefined;
    const body = Buffer.from(rendered.body);
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    const page: CachedPage = { body, contentType: rendered.contentType, etag };
    if (this.pages.size >= this.maxEntries) this.pages.clear();
    this.pages.set(key, page);
    return page;
  }

  /** The gzip form of `page`, computed once. */
  gzip(page: CachedPage): Buffer {
    page.gzipped ??= gzipSync(page.body);
    return page.gzipped;
  }

  /** Forget every page (after a write through this process's own connection). */
  invalidate(): void {
    this.pages.clear();
  }
}
