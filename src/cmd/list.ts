// `wheelhouse list [PROJECT]`: wiring only. Without PROJECT, the projects with file counts and
// sizes; with it, its releases (PEP 440 order) and their files. `--json` prints an array of
// files `{project, version, filename, sha256, size, ...}` (all files without PROJECT), in
// canonical-name then PEP 440 order: the catalog's filename order put 10.0 before 9.0.
// A project with a PEP 792 status (wheelhouse status) shows it after its size, or its name; a file
// with a kept PEP 740 provenance names its Trusted Publishers (`attestedBy` in JSON).
// Exit codes: 0, or 1 when PROJECT is not in the store.

import { quote, WheelhouseError } from "../pep/errors.js";
import { describePublisher } from "../pep/provenance.js";
import { compareParsed, tryParseVersion } from "../pep/version.js";
import {
  attestedFiles,
  closeStore,
  findProject,
  iterateFiles,
  listFiles,
  listProjectStatuses,
  listProjects,
  openStore,
  projectStatus,
  provenanceOf,
  type StoredFile,
} from "../store/index.js";
import type { CommandRun } from "./program.js";
import { existingStoreDir } from "./store-dir.js";
import { formatBytes, plural, printJson } from "./store-output.js";

/**
 * PEP 440 order. Stored versions are PEP 440 (filenames are parsed on the way in); should one
 * not be, it sorts before every valid one, as packaging's LegacyVersion did, so the order stays
 * total (a string fallback per pair was not: "9" < "10" < "10x" < "9").
 */
function byVersion(a: string, b: string): number {
  const va = tryParseVersion(a);
  const vb = tryParseVersion(b);
  if (va !== null && vb !== null) return compareParsed(va, vb);
  if (va === null && vb === null) return a < b ? -1 : a > b ? 1 : 0;
  return va === null ? -1 : 1;
}

/** Files by canonical project name, then PEP 440 version, then filename. */
function byRelease(a: StoredFile, b: StoredFile): number {
  if (a.project !== b.project) return a.project < b.project ? -1 : 1;
  return byVersion(a.version, b.version) || (a.filename < b.filename ? -1 : 1);
}

/** Run `wheelhouse list`; resolves to the exit code. */
export const run: CommandRun = async (args, options) => {
  const json = options.json === true;
  const store = await openStore(existingStoreDir(options), { mayBeReadOnly: true });
  try {
    const [name] = args;
    if (name === undefined) {
      if (json) {
        printJson([...iterateFiles(store)].sort(byRelease));
        return 0;
      }
      const projects = listProjects(store);
      const statuses = new Map(listProjectStatuses(store).map((s) => [s.name, s.status]));
      for (const p of projects) {
        const status = statuses.has(p.name) ? `  ${statuses.get(p.name)}` : "";
        process.stdout.write(
          `${p.displayName}  ${plural(p.files, "file")}  ${formatBytes(p.size)}${status}\n`,
        );
      }
      process.stdout.write(`${plural(projects.length, "project")}\n`);
      return 0;
    }
    const project = findProject(store, name);
    if (project === undefined) {
      throw new WheelhouseError("PROJECT_NOT_FOUND", `project ${quote(name)} is not in the store`, {
        hint: "run `wheelhouse list` to see the projects, or `wheelhouse add` / `sync` to add it",
      });
    }
    const files = listFiles(store, project.name).sort(byRelease);
    const attested = attestedFiles(store, project.name);
    const publishers = (f: StoredFile) =>
      attested.has(f.sha256) ? (provenanceOf(store, f.sha256)?.publishers ?? []) : [];
    if (json) {
      printJson(
        files.map((f) => {
          const by = publishers(f);
          return by.length > 0 ? { ...f, attestedBy: by } : f;
        }),
      );
      return 0;
    }
    const status = projectStatus(store, project.name);
    const marker =
      status === undefined
        ? ""
        : `  ${status.status}${status.reason === undefined ? "" : `: ${status.reason}`}`;
    process.stdout.write(`${project.displayName} (${project.name})${marker}\n`);
    const releases = new Map<string, StoredFile[]>();
    for (const f of files) releases.set(f.version, [...(releases.get(f.version) ?? []), f]);
    for (const [version, list] of releases) {
      process.stdout.write(`  ${version}\n`);
      for (const f of list) {
        const yanked = f.yanked === false ? "" : `  yanked${f.yanked ? `: ${f.yanked}` : ""}`;
        const by = publishers(f).map(describePublisher);
        const attestation = by.length > 0 ? `  attested by ${by.join(", ")}` : "";
        process.stdout.write(
          `    ${f.filename}  ${formatBytes(f.size)}  sha256:${f.sha256.slice(0, 12)}${yanked}${attestation}\n`,
        );
      }
    }
    return 0;
  } finally {
    closeStore(store);
  }
};
