// The user's cache folder for wheelhouse: what it keeps between runs that is not the store
// (interpreter probes, the V8 code cache of the CLI). Deleting it is always safe.
// Source: XDG Base Directory Specification ($XDG_CACHE_HOME, default ~/.cache).

import { homedir } from "node:os";
import { join } from "node:path";

/** `$WHEELHOUSE_CACHE_DIR`, else `$XDG_CACHE_HOME/wheelhouse`, else `~/.cache/wheelhouse`. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.WHEELHOUSE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "wheelhouse")
  );
}
