// What the resolver knows about each project: its files grouped by release (newest first), the
// file each release would install on the target, and core metadata asked for lazily.
// Every provider call is cached as a promise, so concurrent prefetches never ask twice.
// Traps:
// - Files whose filename has an invalid version (or another project's name) are skipped.
// - "Only pre-releases" counts the releases with a file the target can take (pip looks at the
//   files its link evaluator kept): a final release whose wheels are all for another platform
//   does not hide the pre-releases that fit.
// - A prefetch that fails must not crash the process as an unhandled rejection: the error
//   surfaces when (and only when) the resolver awaits that metadata itself.

import { compareVersions, isPrerelease } from "../../pep/version.js";
import {
  type ChooseFileOptions,
  chooseFile,
  type RejectedFile,
  readFilename,
} from "./choose-file.js";
import type { CandidateFile, CandidateMetadata, Provider } from "./provider.js";
import type { ResolveOptions } from "./types.js";

/** The files of one project, grouped by normalized release. */
export interface ProjectFiles {
  name: string;
  files: CandidateFile[];
  /** Normalized versions, newest first. */
  versions: string[];
  byVersion: Map<string, CandidateFile[]>;
}

/** Choice of one release's file, cached per (project, version, yanked allowed). */
export interface Choice {
  file?: CandidateFile;
  rejected: RejectedFile[];
}

/** Per-resolution cache in front of a {@link Provider}. */
export class ProjectIndex {
  private readonly projects = new Map<string, Promise<ProjectFiles>>();
  private readonly loaded = new Map<string, ProjectFiles>();
  private readonly choices = new Map<string, Choice>();
  private readonly metadataCache = new Map<string, Promise<CandidateMetadata>>();
  private readonly onlyPre = new Map<string, boolean>();

  constructor(
    private readonly provider: Provider,
    private readonly options: ResolveOptions,
  ) {}

  /** The files of `name` (canonical), asked for once. */
  files(name: string): Promise<ProjectFiles> {
    let p = this.projects.get(name);
    if (p === undefined) {
      this.options.onProgress?.({ kind: "project", name });
      p = this.provider.listFiles(name).then((files) => {
        const grouped = groupFiles(name, files);
        this.loaded.set(name, grouped);
        return grouped;
      });
      this.projects.set(name, p);
    }
    return p;
  }

  /** The files of a project already loaded by {@link files}; throws when it was not. */
  loadedFiles(name: string): ProjectFiles {
    const pf = this.loaded.get(name);
    if (pf === undefined) throw new Error(`project ${name} was not loaded before use`);
    return pf;
  }

  /** The options {@link chooseFile} uses for a project. */
  chooseOptions(name: string, allowYanked: boolean): ChooseFileOptions {
    const o = this.options;
    const listed = (set: ":all:" | Set<string> | undefined) =>
      set === ":all:" || set?.has(name) === true;
    return {
      target: o.target,
      onlyBinary: listed(o.onlyBinary),
      noBinary: listed(o.noBinary),
      excludeNewer: o.excludeNewer,
      hashes: o.hashes?.get(name),
      requireHashes: o.requireHashes,
      allowYanked,
      ...(o.ignoreRequiresPython ? { ignoreRequiresPython: true } : {}),
    };
  }

  /** The file release `version` of loaded project `name` installs from, with the rejected ones. */
  choose(name: string, version: string, allowYanked: boolean): Choice {
    const key = `${name}\u0000${version}\u0000${allowYanked}`;
    let c = this.choices.get(key);
    if (c === undefined) {
      const files = this.loadedFiles(name).byVersion.get(version) ?? [];
      c = chooseFile(files, version, this.chooseOptions(name, allowYanked));
      this.choices.set(key, c);
    }
    return c;
  }

  /**
   * True when every release of loaded project `name` that has a file the target can take
   * (yanked ones included) is a pre-release, and there is at least one: then pre-releases are
   * candidates without --pre (uv's and pip's "if necessary").
   */
  onlyPrereleases(name: string): boolean {
    let only = this.onlyPre.get(name);
    if (only === undefined) {
      // Final releases first: the newest that fits settles it, usually the first one asked
      // (choosing a file for each of a long history cost 80 ms over 120 pages of 80 links).
      const versions = this.loadedFiles(name).versions;
      const fits = (v: string) => this.choose(name, v, true).file !== undefined;
      only =
        !versions.some((v) => !isPrerelease(v) && fits(v)) &&
        versions.some((v) => isPrerelease(v) && fits(v));
      this.onlyPre.set(name, only);
    }
    return only;
  }

  /** Core metadata of `file` (of project `name`), asked for once. */
  metadata(name: string, file: CandidateFile): Promise<CandidateMetadata> {
    const key = `${file.url}\u0000${file.filename}`;
    let p = this.metadataCache.get(key);
    if (p === undefined) {
      this.options.onProgress?.({ kind: "metadata", name });
      p = this.provider.getMetadata(file);
      // Mark handled: a failed prefetch is reported only where it is awaited.
      p.catch(() => {});
      this.metadataCache.set(key, p);
    }
    return p;
  }

  /** Start fetching metadata without waiting for it. */
  prefetch(name: string, file: CandidateFile): void {
    void this.metadata(name, file);
  }
}

function groupFiles(name: string, files: CandidateFile[]): ProjectFiles {
  const byVersion = new Map<string, CandidateFile[]>();
  const kept: CandidateFile[] = [];
  for (const file of files) {
    const facts = readFilename(file.filename);
    if (facts === undefined || facts.name !== name) continue;
    kept.push(file);
    const list = byVersion.get(facts.version);
    if (list) list.push(file);
    else byVersion.set(facts.version, [file]);
  }
  const versions = sortNewestFirst([...byVersion.keys()]);
  return { name, files: kept, versions, byVersion };
}

function sortNewestFirst(versions: string[]): string[] {
  return versions.sort((a, b) => compareVersions(b, a));
}
