// What an environment already holds, and removing it: every `*.dist-info` directory directly in
// site-packages (purelib and platlib) is an installed distribution; its RECORD lists its files.
// Spec: https://packaging.python.org/en/latest/specifications/recording-installed-packages/
// Traps:
// - RECORD paths are relative to the directory holding the .dist-info (site-packages), and may
//   climb out of it (`../../../bin/flask`) for scripts: they are removed too, but nothing is ever
//   removed outside the environment's prefix.
// - RECORD rarely lists `__pycache__/*.pyc` written later by Python itself: the cached files of
//   every removed .py go too, and directories left empty are pruned.
// - Outside site-packages (`share/<project>/`, `include/site/pythonX.Y/<project>/`) the folder
//   that held a removed file goes when it is left empty, as pip removes it, but nothing above it
//   (`share/`, `bin/`, the scheme directories in `keep`): the environment made those.

import { readFileSync } from "node:fs";
import { lstat, readdir, readFile, rm, rmdir } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { parseCoreMetadata } from "../../pep/core-metadata.js";
import { canonicalizeName } from "../../pep/names.js";
import { parseRecord } from "../../pep/record.js";
import { normalizeVersion } from "../../pep/version.js";

/** A distribution found in the environment. */
export interface InstalledDistribution {
  /** Canonical name. */
  name: string;
  displayName: string;
  /** Normalized version (verbatim when not PEP 440). */
  version: string;
  /** Absolute path of its `.dist-info` directory. */
  distInfo: string;
}

/** Every distribution in `siteDirs` (missing dirs are skipped; duplicates by path once). */
export async function findInstalled(siteDirs: string[]): Promise<InstalledDistribution[]> {
  const out: InstalledDistribution[] = [];
  for (const dir of [...new Set(siteDirs)]) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!n.endsWith(".dist-info")) continue;
      const distInfo = join(dir, n);
      try {
        // Read at once: a few kB each, one after another; fs.promises' four thread-pool hops
        // per file were most of a no-op install's 120 reads.
        const m = parseCoreMetadata(readFileSync(join(distInfo, "METADATA"), "utf8"));
        let version = m.version;
        try {
          version = normalizeVersion(version);
        } catch {
          // legacy version: compare verbatim
        }
        out.push({
          name: canonicalizeName(m.name, { validate: false }),
          displayName: m.name,
          version,
          distInfo,
        });
      } catch {
        // an unreadable dist-info is not a distribution pip would see either
      }
    }
  }
  return out;
}

/**
 * Remove an installed distribution by its RECORD: its files, their `.pyc` caches, directories
 * left empty, and the dist-info. Paths resolving outside `prefix` are left alone, and so are the
 * directories in `keep` (the scheme's: bin, site-packages, ...) even when empty.
 * Resolves to the number of files removed.
 */
export async function removeInstalled(
  dist: InstalledDistribution,
  prefix: string,
  keep: string[] = [],
): Promise<number> {
  const site = dirname(dist.distInfo);
  const root = resolve(prefix) + sep;
  let text = "";
  try {
    text = await readFile(join(dist.distInfo, "RECORD"), "utf8");
  } catch {
    // no RECORD: only the dist-info can go
  }
  const dirs = new Set<string>();
  let removed = 0;
  for (const entry of text ? parseRecord(text) : []) {
    const path = resolve(site, entry.path);
    if (!path.startsWith(root)) continue;
    // A RECORD line naming a directory (some tools write them) is left to pruneEmpty: rm of a
    // directory without `recursive` throws, and its other files are not this RECORD's to remove.
    if ((await lstat(path).catch(() => undefined))?.isDirectory()) {
      dirs.add(path);
      continue;
    }
    await rm(path, { force: true });
    removed++;
    dirs.add(dirname(path));
    if (path.endsWith(".py")) {
      const cache = join(dirname(path), "__pycache__");
      const stem = path.slice(dirname(path).length + 1, -3);
      try {
        for (const c of await readdir(cache)) {
          if (c.startsWith(`${stem}.`) && c.endsWith(".pyc"))
            await rm(join(cache, c), { force: true });
        }
        dirs.add(cache);
      } catch {
        // no cache dir
      }
    }
  }
  await rm(dist.distInfo, { recursive: true, force: true });
  const inSite = (d: string) => d.startsWith(resolve(site) + sep);
  await pruneEmpty([...dirs].filter(inSite), site);
  const kept = new Set([...keep, prefix, site].map((d) => resolve(d)));
  const outside = [...dirs].filter((d) => !inSite(d) && !kept.has(d));
  for (const d of outside.sort((a, b) => b.length - a.length)) await rmdir(d).catch(() => {});
  return removed;
}

/** Remove each directory and its parents while empty, never `stop` or above. */
export async function pruneEmpty(dirs: string[], stop: string): Promise<void> {
  const limit = resolve(stop);
  const sorted = [...new Set(dirs)].sort((a, b) => b.length - a.length);
  for (let d of sorted) {
    while (d.startsWith(limit + sep) && d !== limit) {
      try {
        await rmdir(d);
      } catch {
        break;
      }
      d = dirname(d);
    }
  }
}
