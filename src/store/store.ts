// Open and close a store: create the layout, open the catalog (WAL, busy timeout, foreign keys)
// and migrate it. A `Store` is a plain value passed to every other store function.
// Spec: https://www.sqlite.org/wal.html
// Traps:
// - WAL lets `serve` read while `add`/`sync` write; writers still queue, so every write is a
//   short IMMEDIATE transaction and busy_timeout makes the others wait instead of failing.
// - synchronous=NORMAL in WAL mode may lose the last commits on power loss but never corrupts;
//   blobs are fsynced before their rows, so a lost row only leaves an orphan blob for gc.

import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import Database from "better-sqlite3";
import { quote, WheelhouseError } from "../pep/errors.js";
import { blobPathIn, type StoreLayout, storeLayout } from "./layout.js";
import { migrate } from "./schema.js";

/** An open store: its directory layout and its catalog connection. */
export interface Store {
  readonly layout: StoreLayout;
  readonly db: Database.Database;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** How long a write waits for another process's transaction, in ms (default 30,000). */
  busyTimeoutMs?: number;
}

/**
 * Open (creating when missing) the store rooted at `dir`: make blobs/ and tmp/, open
 * catalog.db in WAL mode and migrate it. Close it with {@link closeStore}.
 * @throws WheelhouseError "STORE_UNAVAILABLE" when the directory or catalog cannot be opened,
 *   "CATALOG_TOO_NEW" when a newer wheelhouse wrote the catalog.
 */
export async function openStore(dir: string, options: OpenStoreOptions = {}): Promise<Store> {
  const layout = storeLayout(resolve(dir));
  let db: Database.Database | undefined;
  try {
    await mkdir(layout.blobs, { recursive: true });
    await mkdir(layout.tmp, { recursive: true });
    db = new Database(layout.catalog);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, layout.catalog);
    return { layout, db };
  } catch (error) {
    db?.close();
    if (error instanceof WheelhouseError) throw error;
    throw new WheelhouseError(
      "STORE_UNAVAILABLE",
      `store ${quote(layout.dir)} cannot be opened: ${(error as Error).message}`,
      { cause: error, hint: "check the path and its permissions (--store or WHEELHOUSE_STORE)" },
    );
  }
}

/** Close the catalog connection; the store value must not be used afterwards. */
export function closeStore(store: Store): void {
  if (store.db.open) store.db.close();
}

/**
 * Absolute path of the blob with this sha256 (it may not exist; see verify).
 * @throws WheelhouseError "INVALID_SHA256" when `sha256` is not 64 lower-case hex digits.
 */
export function blobPath(store: Store, sha256: string): string {
  return blobPathIn(store.layout, sha256);
}
