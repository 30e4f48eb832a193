// Open and close a store: create the layout, open the catalog (WAL, busy timeout, foreign keys)
// and migrate it. A `Store` is a plain value passed to every other store function.
// Spec: https://www.sqlite.org/wal.html
// Traps:
// - WAL lets `serve` read while `add`/`sync` write; writers still queue, so every write is a
//   short IMMEDIATE transaction and busy_timeout makes the others wait instead of failing.
// - synchronous=NORMAL in WAL mode may lose the last commits on power loss but never corrupts;
//   blobs are fsynced before their rows, so a lost row only leaves an orphan blob for gc.
// - A store this process cannot write (read-only media, another user's folder) opens read-only
//   where the command allows it (`mayBeReadOnly`). SQLite opens a WAL catalog read-only only when
//   `-shm`/`-wal` exist or can be created, so a cleanly closed catalog on read-only media needs
//   `immutable=1` (no locks, no WAL: right for media nobody writes). URI filenames are off in
//   better-sqlite3's build unless SQLITE_USE_URI=1 is in the environment when its addon loads,
//   so openStore sets it (when unset) before its first Database; catalog paths are absolute, so
//   none is mistaken for a URI.

import { accessSync, constants, existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import Database from "better-sqlite3";
import { quote, WheelhouseError } from "../pep/errors.js";
import { blobPathIn, type StoreLayout, storeLayout } from "./layout.js";
import { migrate, READABLE_FROM, SCHEMA_VERSION } from "./schema.js";

/** An open store: its directory layout and its catalog connection. */
export interface Store {
  readonly layout: StoreLayout;
  readonly db: Database.Database;
  /** Opened read-only (see OpenStoreOptions.mayBeReadOnly): any write throws. */
  readonly readOnly?: boolean;
  /**
   * The catalog's schema when older than SCHEMA_VERSION (a read-only catalog an older wheelhouse
   * wrote; see READABLE_FROM); absent when current.
   */
  readonly schema?: number;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** How long a write waits for another process's transaction, in ms (default 30,000). */
  busyTimeoutMs?: number;
  /**
   * When the store exists but cannot be written (EROFS, EACCES, a read-only catalog), open it
   * read-only instead of failing; `store.readOnly` is then true. For commands that only read.
   */
  mayBeReadOnly?: boolean;
}

/**
 * Open (creating when missing) the store rooted at `dir`: make blobs/ and tmp/, open
 * catalog.db in WAL mode and migrate it. Close it with {@link closeStore}.
 * @throws WheelhouseError "STORE_READ_ONLY" when the store exists but cannot be written (and
 *   `mayBeReadOnly` is off), "STORE_UNAVAILABLE" when the directory or catalog cannot be opened,
 *   "CATALOG_TOO_NEW" when a newer wheelhouse wrote the catalog.
 */
export async function openStore(dir: string, options: OpenStoreOptions = {}): Promise<Store> {
  const layout = storeLayout(resolve(dir));
  let db: Database.Database | undefined;
  // URI filenames (for immutable=1) must be on before the first Database loads the addon.
  process.env.SQLITE_USE_URI ??= "1";
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
    const denied = cannotWrite(error);
    if (options.mayBeReadOnly && denied) {
      const readOnly = openReadOnly(layout);
      if (readOnly) return readOnly;
    }
    if (error instanceof WheelhouseError) throw error;
    const why = denied ? unwritable(layout.dir) : undefined;
    if (why !== undefined && existsSync(layout.catalog)) {
      throw new WheelhouseError(
        "STORE_READ_ONLY",
        `store ${quote(layout.dir)} cannot be written (${why}), and this command writes to it`,
        {
          cause: error,
          hint: "list, du, verify, export, bundle, install and serve can read it as it is; to change it, copy it somewhere writable",
        },
      );
    }
    throw new WheelhouseError(
      "STORE_UNAVAILABLE",
      `store ${quote(layout.dir)} cannot be opened: ${(error as Error).message}`,
      { cause: error, hint: "check the path and its permissions (--store or WHEELHOUSE_STORE)" },
    );
  }
}

/** Why this process cannot write in `dir` ("read-only file system", ...), or undefined. */
function unwritable(dir: string): string | undefined {
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "EROFS"
      ? "read-only file system"
      : code === "EACCES"
        ? "permission denied"
        : code;
  }
}

/** `path` for an SQLite URI filename: `%`, `?` and `#` percent-encoded (sqlite.org/uri.html). */
function uriPath(path: string): string {
  return path.replace(/[%?#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Whether opening for writing failed because the store cannot be written. */
function cannotWrite(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return ["EROFS", "EACCES", "EPERM", "SQLITE_READONLY", "SQLITE_CANTOPEN"].some((c) =>
    code.startsWith(c),
  );
}

/**
 * The store opened read-only: plainly when SQLite can (its `-shm` exists or can be made),
 * else immutable (see Traps); undefined when the catalog is missing or still fails to open.
 * A catalog of an older schema that is still readable (READABLE_FROM) is opened as it is, with
 * `schema` set.
 * @throws WheelhouseError "CATALOG_TOO_NEW", or "STORE_UNAVAILABLE" when its schema is too old to
 *   be read (migrating needs a write).
 */
function openReadOnly(layout: StoreLayout): Store | undefined {
  if (!existsSync(layout.catalog)) return undefined;
  const attempts = [layout.catalog, `file:${uriPath(layout.catalog)}?immutable=1`];
  for (const name of attempts) {
    let db: Database.Database | undefined;
    try {
      db = new Database(name, { readonly: true, fileMustExist: true });
      const version = db.pragma("user_version", { simple: true }) as number;
      if (version > SCHEMA_VERSION) migrate(db, layout.catalog); // throws CATALOG_TOO_NEW, no write
      if (version >= READABLE_FROM && version < SCHEMA_VERSION) {
        return { layout, db, readOnly: true, schema: version };
      }
      if (version !== SCHEMA_VERSION) {
        throw new WheelhouseError(
          "STORE_UNAVAILABLE",
          `store ${quote(layout.dir)} is read-only and its catalog has schema ${version}, older than this wheelhouse's ${SCHEMA_VERSION}`,
          {
            hint: "open it once where it can be written (any wheelhouse store command upgrades it)",
          },
        );
      }
      return { layout, db, readOnly: true };
    } catch (error) {
      db?.close();
      if (error instanceof WheelhouseError) throw error;
    }
  }
  return undefined;
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
