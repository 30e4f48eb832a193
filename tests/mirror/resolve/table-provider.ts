// Test helper: an in-memory Provider built from a table (project -> version -> files + metadata),
// counting the calls the resolver makes so tests can check it asks only for what it tries.

import type {
  CandidateFile,
  CandidateMetadata,
  Provider,
} from "../../../src/mirror/resolve/provider.js";

/** One release in a table. Default files: one `py3-none-any` wheel. */
export interface ReleaseSpec {
  requires?: string[];
  /** Requires-Python in the metadata. */
  requiresPython?: string;
  /** Requires-Python the index states for every file of the release. */
  indexRequiresPython?: string;
  extras?: string[];
  /** Filenames, or partial files; "whl" and "sdist" are shorthands for the default names. */
  files?: (string | (Partial<CandidateFile> & { filename: string }))[];
  yanked?: false | string;
  uploadTime?: string;
  buildRequires?: string[];
}

export type Table = Record<string, Record<string, ReleaseSpec>>;

/** Underscored filename form of a project name. */
function stem(name: string): string {
  return name.replace(/[-_.]+/g, "_").toLowerCase();
}

/** A Provider over `table`, with call counters. */
export class TableProvider implements Provider {
  readonly listed: string[] = [];
  readonly metadataAsked: string[] = [];
  private readonly releases = new Map<
    string,
    { name: string; version: string; spec: ReleaseSpec }
  >();
  private readonly files = new Map<string, CandidateFile[]>();

  constructor(table: Table) {
    for (const [name, versions] of Object.entries(table)) {
      const list: CandidateFile[] = [];
      for (const [version, spec] of Object.entries(versions)) {
        const entries = spec.files ?? ["whl"];
        for (const raw of entries) {
          let f: Partial<CandidateFile> & { filename: string };
          if (raw === "whl") f = { filename: `${stem(name)}-${version}-py3-none-any.whl` };
          else if (raw === "sdist") f = { filename: `${stem(name)}-${version}.tar.gz` };
          else if (typeof raw === "string") f = { filename: raw };
          else f = raw;
          const file: CandidateFile = {
            url: `https://files.example/${f.filename}`,
            source: "https://index.example/simple/",
            yanked: spec.yanked ?? false,
            sha256: `sha-${f.filename}`,
            ...(spec.indexRequiresPython ? { requiresPython: spec.indexRequiresPython } : {}),
            ...(spec.uploadTime ? { uploadTime: spec.uploadTime } : {}),
            ...f,
          };
          list.push(file);
          this.releases.set(file.url, { name, version, spec });
        }
      }
      this.files.set(name, list);
    }
  }

  async listFiles(project: string): Promise<CandidateFile[]> {
    this.listed.push(project);
    return this.files.get(project) ?? [];
  }

  async getMetadata(file: CandidateFile): Promise<CandidateMetadata> {
    this.metadataAsked.push(file.filename);
    const r = this.releases.get(file.url);
    if (!r) throw new Error(`no such file ${file.url}`);
    return {
      name: r.name,
      version: r.version,
      requiresDist: r.spec.requires ?? [],
      ...(r.spec.requiresPython ? { requiresPython: r.spec.requiresPython } : {}),
      providesExtra: r.spec.extras ?? [],
    };
  }

  async getBuildRequires(file: CandidateFile): Promise<string[]> {
    return this.releases.get(file.url)?.spec.buildRequires ?? ["setuptools>=40.8.0", "wheel"];
  }
}
