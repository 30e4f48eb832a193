// pip's installation report (`--report FILE`, format version 1) for what a resolution chose:
// scripts and tools written for `pip install --dry-run --report` read sync's and install's the
// same way.
// Spec: https://pip.pypa.io/en/stable/reference/installation-report/ ,
// https://packaging.python.org/en/latest/specifications/direct-url-data-structure/ (download_info),
// https://packaging.python.org/en/latest/specifications/core-metadata/ (JSON-compatible metadata)
// Traps:
// - `pip_version` is left out: the report is not pip's, and a made-up version would mislead;
//   `version` ("1") is what readers check.
// - `requested_extras` lists the extras the user's own requirements asked for (not those a
//   dependency asked for), and only when there are some, as pip writes it.

import { type CoreMetadata, coreMetadataJson } from "../pep/core-metadata.js";
import { canonicalizeName } from "../pep/names.js";
import type { Requirement } from "../pep/requirement.js";
import { type DirectUrlData, directoryUrlData, directUrlData } from "./direct-references.js";
import type { CandidateFile } from "./resolve/provider.js";

/** One distribution the report lists. */
export interface ReportedFile {
  /** Canonical project name. */
  name: string;
  file: CandidateFile;
  /** Its core metadata (undefined: only name and version are known). */
  metadata?: CoreMetadata;
  version: string;
  /** Named by a direct reference: the URL it named (else the file's own URL is reported). */
  directUrl?: string;
  /**
   * Built from a source tree (a local directory): its `file:` URL, reported as pip reports it
   * (`download_info: {url, dir_info: {}}`, direct).
   */
  sourceTree?: string;
  /** A root requirement asked for it (not only a dependency). */
  requested: boolean;
}

/** The report's JSON shape (version 1). */
export interface InstallationReport {
  version: "1";
  install: {
    download_info: DirectUrlData;
    is_direct: boolean;
    is_yanked: boolean;
    requested: boolean;
    requested_extras?: string[];
    metadata: Record<string, string | string[]>;
  }[];
  environment: Record<string, string>;
}

/**
 * The installation report of `files`, for the target whose PEP 508 marker environment is
 * `environment`; `roots` are the requirements the user gave (their extras become
 * `requested_extras`).
 */
export function installationReport(
  files: ReportedFile[],
  roots: Requirement[],
  environment: Record<string, string>,
): InstallationReport {
  const extras = new Map<string, Set<string>>();
  for (const r of roots) {
    // Parsed requirements: their names are valid.
    const name = canonicalizeName(r.name);
    const set = extras.get(name) ?? new Set<string>();
    for (const e of r.extras) set.add(e);
    extras.set(name, set);
  }
  return {
    version: "1",
    install: files.map((f) => {
      const asked = f.requested ? [...(extras.get(f.name) ?? [])].sort() : [];
      return {
        download_info:
          f.sourceTree !== undefined
            ? directoryUrlData(f.sourceTree)
            : directUrlData(f.directUrl ?? f.file.url, f.file.sha256),
        is_direct:
          f.sourceTree !== undefined || f.directUrl !== undefined || f.file.direct === true,
        is_yanked: f.file.yanked !== false,
        requested: f.requested,
        ...(asked.length > 0 ? { requested_extras: asked } : {}),
        metadata:
          f.metadata !== undefined
            ? coreMetadataJson(f.metadata)
            : { metadata_version: "2.1", name: f.name, version: f.version },
      };
    }),
    environment,
  };
}
