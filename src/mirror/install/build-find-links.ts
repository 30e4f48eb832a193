// The find-links locations an offline `pip wheel` reads (an sdist's build, a source tree's):
// the install's own --find-links values, then the store as a flat directory of symlinks, made
// once per install and shared by every build.
// Spec: https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-f (find-links semantics)
// Trap: the store's directory of links is made only when a build runs (it lists every stored
// file), and ./build-sdist.ts, which reaches the store's catalog (SQLite), is imported then too.

import { join } from "node:path";
import type { Store } from "../../store/store.js";

/**
 * A function resolving to `findLinks` plus, with a store, a directory of links to its files
 * (made under `tmp` at the first call; later calls share it).
 */
export function buildFindLinks(
  findLinks: string[],
  store: Store | undefined,
  tmp: string,
): () => Promise<string[]> {
  let storeLinks: Promise<string> | undefined;
  return async () => {
    if (store === undefined) return [...findLinks];
    storeLinks ??= import("./build-sdist.js").then(({ storeAsFindLinks }) =>
      storeAsFindLinks(store, join(tmp, "store-links")),
    );
    return [...findLinks, await storeLinks];
  };
}
