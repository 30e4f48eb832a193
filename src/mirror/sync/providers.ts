// The resolver's provider as sync wraps it: metadata asked once per file across targets, the
// files requirements named as their projects' only candidates, an sdist's dependencies from its
// build backend (--build-metadata), and a project quarantined in the store offering nothing.
// Spec: the contract is ../resolve/provider.ts.
// Trap: only a quarantine set here (`wheelhouse status`) hides a project from sync: one an index
// stated is read again from the index's page, which may have lifted it.

import { unboundRequiresDist } from "../../pep/core-metadata.js";
import { quotedReason } from "../../pep/errors.js";
import { projectStatus } from "../../store/project-status.js";
import type { Store } from "../../store/store.js";
import type { DirectFile } from "../direct-references.js";
import type { CandidateFile, CandidateMetadata, Provider } from "../resolve/provider.js";
import type { UpstreamProvider } from "../upstream/provider.js";
import { type PrepareContext, prepareSdistMetadata } from "./sdist-metadata.js";

/**
 * A provider whose metadata and build requirements are asked upstream once per file URL;
 * `onMetadata` hears of each file whose metadata was read (the prefetch), `onListed` of each
 * project's files as listed (once per project).
 */
export function sharedProvider(
  inner: Provider & Required<Pick<Provider, "getBuildRequires">>,
  onMetadata?: (file: CandidateFile, metadata: CandidateMetadata) => void,
  onListed?: (project: string, files: CandidateFile[]) => void,
): Provider {
  const metadata = new Map<string, Promise<CandidateMetadata>>();
  const build = new Map<string, Promise<string[]>>();
  const once = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
    let value = map.get(key);
    if (value === undefined) {
      value = load();
      value.catch(() => map.delete(key));
      map.set(key, value);
    }
    return value;
  };
  const listed = new Set<string>();
  return {
    async listFiles(project) {
      const files = await inner.listFiles(project);
      if (onListed !== undefined && !listed.has(project)) {
        listed.add(project);
        onListed(project, files);
      }
      return files;
    },
    getMetadata: (file: CandidateFile) =>
      once(metadata, file.url, async () => {
        const got = await inner.getMetadata(file);
        onMetadata?.(file, got);
        return got;
      }),
    getBuildRequires: (file: CandidateFile) =>
      once(build, file.url, () => inner.getBuildRequires(file)),
  };
}

/**
 * `provider` with the files requirements named (see ../direct-references.ts) as the only
 * candidates of their projects. A named file without a stated sha256 takes its project's `--hash`
 * when there is exactly one (checked as it downloads).
 */
export function withDirectFiles(
  provider: Provider,
  upstream: UpstreamProvider,
  files: Map<string, DirectFile>,
  hashes: Map<string, Set<string>> | undefined,
): Provider {
  if (files.size === 0) return provider;
  return {
    ...provider,
    async listFiles(project) {
      const file = files.get(project);
      if (file === undefined) return provider.listFiles(project);
      const given = hashes?.get(project);
      const only = given?.size === 1 ? [...given][0] : undefined;
      return [await upstream.directCandidate(file, only)];
    },
  };
}

/**
 * `provider` where an sdist whose PKG-INFO does not bind its dependencies (PEP 643) answers with
 * the metadata its build backend prepares (./sdist-metadata.ts); once per file. A failure keeps
 * PKG-INFO's answer and says why. `prepared` collects the URLs whose backend was asked.
 */
export function withPreparedMetadata(
  provider: Provider,
  upstream: UpstreamProvider,
  prepared: Set<string>,
  context: PrepareContext & { onWarning: (message: string) => void },
): Provider {
  const answers = new Map<string, Promise<CandidateMetadata>>();
  const prepare = async (file: CandidateFile): Promise<CandidateMetadata> => {
    const fromPkgInfo = await provider.getMetadata(file);
    const details = await upstream.getMetadataDetails(file);
    if (unboundRequiresDist(details.metadata) === undefined) return fromPkgInfo;
    // Asked: no "may not list them all" warning later, whatever the answer (a failure warns).
    prepared.add(file.url);
    try {
      const buildRequires = await upstream.getBuildRequires(file);
      return await prepareSdistMetadata(file, details.metadata, buildRequires, context);
    } catch (error) {
      context.onWarning(
        `${file.filename}: --build-metadata kept its PKG-INFO's dependencies: ${(error as Error).message}`,
      );
      return fromPkgInfo;
    }
  };
  return {
    ...provider,
    getMetadata(file) {
      if (file.filename.endsWith(".whl")) return provider.getMetadata(file);
      let answer = answers.get(file.url);
      if (answer === undefined) {
        answer = prepare(file);
        answers.set(file.url, answer);
      }
      return answer;
    },
  };
}

/**
 * A check of whether this store quarantined `project` (`wheelhouse status NAME quarantined`),
 * telling `onWarning` why its files are left out, once per project.
 */
export function quarantineCheck(
  store: Store,
  onWarning: (message: string) => void,
): (project: string) => boolean {
  const warned = new Set<string>();
  return (project) => {
    const status = projectStatus(store, project);
    if (status?.status !== "quarantined" || status.source !== "local") return false;
    if (!warned.has(project)) {
      warned.add(project);
      onWarning(
        `project "${project}" is quarantined in this store${quotedReason(status.reason)}: none of its files is fetched (wheelhouse status ${project} active lifts it)`,
      );
    }
    return true;
  };
}

/** `provider` where a project `quarantined` says so of has no files, as its index would list none. */
export function withoutQuarantined(
  provider: Provider,
  quarantined: (project: string) => boolean,
): Provider {
  return {
    ...provider,
    listFiles: (project) =>
      quarantined(project) ? Promise.resolve([]) : provider.listFiles(project),
  };
}
