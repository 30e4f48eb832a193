// Where things live inside a store directory. The layout is versioned ("blobs/v1") so a later
// layout can sit beside this one during a migration.
//   <dir>/blobs/v1/sha256/ab/cd/<64 hex>   content-addressed blobs (distributions, core metadata)
//   <dir>/tmp/                             partial writes; same filesystem, so rename is atomic
//   <dir>/catalog.db                       the SQLite catalog (plus -wal and -shm beside it)
// Trap: two shard levels keep directories small at PyPI scale (65,536 leaf folders).

import { join } from "node:path";
import { quote, WheelhouseError } from "../pep/errors.js";

/** Absolute paths of a store's parts. */
export interface StoreLayout {
  dir: string;
  blobs: string;
  tmp: string;
  catalog: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The paths of the store rooted at `dir` (nothing is created). */
export function storeLayout(dir: string): StoreLayout {
  return {
    dir,
    blobs: join(dir, "blobs", "v1", "sha256"),
    tmp: join(dir, "tmp"),
    catalog: join(dir, "catalog.db"),
  };
}

/** True when `value` is a lower-case hex sha256 digest. */
export function isSha256(value: string): boolean {
  return SHA256_HEX.test(value);
}

/**
 * Path of the blob with this sha256 under `layout` (the blob may not exist).
 * @throws WheelhouseError "INVALID_SHA256" when `sha256` is not 64 lower-case hex digits.
 */
export function blobPathIn(layout: StoreLayout, sha256: string): string {
  if (!isSha256(sha256)) {
    throw new WheelhouseError("INVALID_SHA256", `sha256 ${quote(sha256)} is invalid`, {
      hint: "a sha256 is 64 lower-case hexadecimal digits",
    });
  }
  return join(layout.blobs, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}
