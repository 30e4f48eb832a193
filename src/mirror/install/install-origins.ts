// Where each package an install puts in came from, as pip records it: the installation report's
// entries (`--report`, also with --dry-run) and each dist-info's direct_url.json (PEP 610).
// Spec: https://pip.pypa.io/en/stable/reference/installation-report/ ,
// https://packaging.python.org/en/latest/specifications/direct-url/
// Traps:
// - A file named by a requirement is recorded by what the requirement said: the local file, or
//   the URL it gave (its bytes came from the store or --find-links, not from that URL).
// - A source tree's wheel was built in a temp dir: the tree is recorded (`dir_info`, no hash, as
//   pip records a directory), never the wheel.
// - The report's sha256 of a file no source stated is hashed now, as pip reports one.

import { canonicalizeName } from "../../pep/names.js";
import { hashFile } from "../../store/blobs.js";
import { type DirectFile, directoryUrlData, directUrlJson } from "../direct-references.js";
import { type InstallationReport, installationReport } from "../installation-report.js";
import type { ResolvedPackage } from "../resolve/types.js";
import type { BuiltSourceTrees } from "./build-source-trees.js";
import type { InstallRequest } from "./install.js";
import type { LocalProvider } from "./sources.js";

/**
 * pip's installation report of `toInstall`: each with its whole core metadata and its sha256
 * (hashed now when no source stated it, as pip reports it); "requested" when a requirement of
 * `asked` named it; a direct reference reported with the URL it gave, a source tree's wheel with
 * the tree's URL (`dir_info`, no hash, as pip reports a directory).
 * @throws fs errors of hashing a local file.
 */
export async function reportOf(
  asked: InstallRequest,
  provider: LocalProvider,
  toInstall: ResolvedPackage[],
  directFiles: Map<string, DirectFile>,
  trees: BuiltSourceTrees,
): Promise<InstallationReport> {
  const names = new Set(asked.requirements.map((r) => canonicalizeName(r.name)));
  const files = await Promise.all(
    toInstall.map(async (p) => {
      const tree = trees.dirs.get(p.name);
      const file =
        p.file.sha256 !== undefined || tree !== undefined
          ? p.file
          : { ...p.file, sha256: (await hashFile(await provider.localPath(p.file))).sha256 };
      const named = directFiles.get(p.name);
      const metadata = provider.coreMetadata(p.file);
      return {
        name: p.name,
        version: p.version,
        file,
        ...(metadata ? { metadata } : {}),
        requested: names.has(p.name),
        ...(tree
          ? { sourceTree: tree.url }
          : named
            ? { directUrl: named.path === undefined ? named.url : p.file.url }
            : {}),
      };
    }),
  );
  // The environment as the interpreter reports it (platform_release and the rest included).
  return installationReport(files, asked.requirements, asked.interpreter.markerEnvironment);
}

/**
 * PEP 610's direct_url.json (its text) of each package of `toInstall` that a requirement named
 * by file or URL, or that was built from a source tree; canonical name -> JSON. The others have
 * none.
 */
export function directUrlsOf(
  toInstall: ResolvedPackage[],
  directFiles: Map<string, DirectFile>,
  trees: BuiltSourceTrees,
): Map<string, string> {
  return new Map(
    toInstall.flatMap((p) => {
      const tree = trees.dirs.get(p.name);
      if (tree !== undefined) {
        return [[p.name, JSON.stringify(directoryUrlData(tree.url))] as const];
      }
      const named = directFiles.get(p.name);
      if (named === undefined) return [];
      const url = named.path === undefined ? named.url : p.file.url;
      return [[p.name, directUrlJson(url, p.file.sha256 ?? named.sha256)] as const];
    }),
  );
}
