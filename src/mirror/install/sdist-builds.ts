// The wheels of sdists, built offline once each (./build-sdist.ts), and the --hash check every
// local file passes before it is installed or built.
// Spec: https://peps.python.org/pep-0643/ (an sdist's PKG-INFO binds its dependencies only from
// Metadata-Version 2.2, unless named in Dynamic), pip's "Hash-checking mode" (--require-hashes).
// Traps:
// - An sdist is checked against --hash before its build runs any of its code.
// - The resolver may ask for an sdist's metadata (and so its build) before it is chosen, and
//   installing asks again: one build per file, shared.

import { basename, join } from "node:path";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { hashFile } from "../../store/blobs.js";
import type { CandidateFile } from "../resolve/provider.js";
import type { InstallRequest } from "./install.js";
import type { LocalProvider } from "./sources.js";

/**
 * The file at `path` must have one of the --hash values of `project` (when any are given, or
 * with --require-hashes). `held`: the sha256 of the bytes that will be installed, when they are
 * held in memory since they were hashed (LocalProvider.heldDigest); else the file is hashed now.
 * @throws WheelhouseError "HASH_MISMATCH" naming the file and its sha256.
 */
export async function checkHash(
  request: InstallRequest,
  project: string,
  filename: string,
  path: string,
  held?: string,
): Promise<void> {
  const allowed = request.hashes?.get(project);
  if (!allowed && !request.requireHashes) return;
  const digest = held ?? (await hashFile(path)).sha256;
  if (allowed?.has(digest)) return;
  throw new WheelhouseError(
    "HASH_MISMATCH",
    `${quote(filename)} has sha256 ${digest}, which is not among the --hash values for ${quote(project)}`,
    { hint: "the file changed or the requirements file is out of date; check where it came from" },
  );
}

/**
 * The wheels built from sdists, each sdist built once: while resolving, when its PKG-INFO does
 * not bind its dependencies (the wheel's METADATA then gives them), or else when installing.
 * An sdist is checked against --hash before its build runs any of its code.
 */
export class SdistBuilds {
  private readonly builds = new Map<string, Promise<{ path: string; filename: string }>>();

  /** `findLinks`: what the builds read (./build-find-links.ts). */
  constructor(
    private readonly request: InstallRequest,
    private readonly provider: LocalProvider,
    private readonly tmp: string,
    private readonly findLinks: () => Promise<string[]>,
  ) {}

  /**
   * The wheel built from sdist `file` of `project` (canonical name).
   * @throws "HASH_MISMATCH", and build-sdist.ts's "BUILD_BACKEND_MISSING" / "SDIST_BUILD_FAILED".
   */
  wheel(project: string, file: CandidateFile): Promise<{ path: string; filename: string }> {
    let pending = this.builds.get(file.url);
    if (pending === undefined) {
      pending = this.build(project, file, join(this.tmp, `build-${this.builds.size}`));
      this.builds.set(file.url, pending);
    }
    return pending;
  }

  private async build(
    project: string,
    file: CandidateFile,
    out: string,
  ): Promise<{ path: string; filename: string }> {
    const { request } = this;
    const path = await this.provider.localPath(file);
    await checkHash(request, project, file.filename, path);
    // Imported only for sdists: it reaches the store's catalog (SQLite).
    const { buildSdist } = await import("./build-sdist.js");
    const findLinks = await this.findLinks();
    const executable = request.interpreter.executable;
    const wheel = await buildSdist(
      executable,
      path,
      file.filename,
      findLinks,
      out,
      request.network,
      request.pipBuildOptions,
    );
    request.onEvent?.({ kind: "built", filename: basename(wheel) });
    return { path: wheel, filename: basename(wheel) };
  }
}
