// Which store a command uses: `--store DIR`, else env WHEELHOUSE_STORE, else the user's data
// directory ($XDG_DATA_HOME/wheelhouse, or ~/.local/share/wheelhouse).
// Spec: https://specifications.freedesktop.org/basedir-spec/latest/ (XDG_DATA_HOME)
// Trap: an empty or relative XDG_DATA_HOME is invalid per the spec and is ignored.

import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { quote, WheelhouseError } from "../pep/errors.js";

/**
 * The store directory for `options.store` (from --store) and `env` (default process.env),
 * as an absolute path.
 */
export function resolveStoreDir(
  options: { store?: unknown },
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (typeof options.store === "string" && options.store !== "") return resolve(options.store);
  if (env.WHEELHOUSE_STORE) return resolve(env.WHEELHOUSE_STORE);
  const xdg = env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "wheelhouse");
  return join(env.HOME || homedir(), ".local", "share", "wheelhouse");
}

/**
 * {@link resolveStoreDir} for commands that only read or tidy a store (list, verify, du, gc,
 * export, bundle): a store that is not there is an error, not a new empty store (a typo in
 * --store would otherwise "verify" an empty store as intact).
 * @throws WheelhouseError "STORE_NOT_FOUND".
 */
export function existingStoreDir(
  options: { store?: unknown },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const dir = resolveStoreDir(options, env);
  if (!existsSync(join(dir, "catalog.db"))) {
    throw new WheelhouseError("STORE_NOT_FOUND", `there is no store at ${quote(dir)}`, {
      hint: "check --store / WHEELHOUSE_STORE; `wheelhouse add`, `sync` or `import` make a store",
    });
  }
  return dir;
}
