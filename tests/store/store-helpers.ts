// Test helper for tests/store and tests/cmd: a fresh store in a temp dir, and distributions
// written to a temp folder.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeStore, openStore, type Store } from "../../src/store/index.js";

/** A temp dir with `dir`, an open store at `dir/store`, and cleanup. */
export async function tempStore(): Promise<{
  dir: string;
  store: Store;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "wh-store-"));
  const store = await openStore(join(dir, "store"));
  return {
    dir,
    store,
    cleanup: async () => {
      closeStore(store);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
