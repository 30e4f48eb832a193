// The resolver's view of the store for `bundle`: the install path's LocalProvider over the store
// alone (no find-links, nothing installed), plus the build requirements of stored sdists so a
// bundle carries what building them offline needs. A file a requirement names (a path or URL) is
// found in the store by its filename: `bundle --sync` stores it first.
// Spec: https://peps.python.org/pep-0518/ (build-system.requires), https://peps.python.org/pep-0517/
// Trap: an sdist without a pyproject.toml `[build-system]` builds with setuptools and wheel
// (the PEP 517/518 fallback pip applies).

import { blobPath, findFile, inspectDistribution, type Store } from "../../store/index.js";
import type { DirectFile } from "../direct-references.js";
import { LocalProvider } from "../install/sources.js";
import {
  type CandidateFile,
  type CandidateMetadata,
  DEFAULT_BUILD_REQUIRES,
  type Provider,
} from "../resolve/provider.js";

/** A Provider over the files of `store` only. */
export class StoreProvider implements Provider {
  private readonly inner: LocalProvider;

  /**
   * `directFiles`: the files requirements named (canonical name -> file), each then the only
   * candidate of its project, looked up in the store by its filename (wherever it was named);
   * `onWarning` hears of a quarantined project whose stored files are left out.
   */
  constructor(
    private readonly store: Store,
    directFiles?: Map<string, DirectFile>,
    onWarning?: (message: string) => void,
  ) {
    // Store files are local blobs: nothing is ever downloaded, so no download dir is used.
    this.inner = new LocalProvider({
      store,
      findLinks: [],
      downloadDir: store.layout.tmp,
      ...(onWarning ? { onWarning } : {}),
      ...(directFiles
        ? {
            directFiles: new Map(
              [...directFiles].map(([name, { path: _, ...byName }]) => [name, byName]),
            ),
          }
        : {}),
    });
  }

  listFiles(project: string): Promise<CandidateFile[]> {
    return this.inner.listFiles(project);
  }

  getMetadata(file: CandidateFile): Promise<CandidateMetadata> {
    return this.inner.getMetadata(file);
  }

  async getBuildRequires(file: CandidateFile): Promise<string[]> {
    const stored = findFile(this.store, file.filename);
    if (stored === undefined) return [...DEFAULT_BUILD_REQUIRES];
    const inspected = await inspectDistribution(
      blobPath(this.store, stored.sha256),
      stored.filename,
    );
    return inspected.buildRequires ?? [...DEFAULT_BUILD_REQUIRES];
  }
}
