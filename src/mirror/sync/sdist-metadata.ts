// `sync --build-metadata`: the dependencies of an sdist whose PKG-INFO may not list them all
// (Metadata-Version before 2.2, or Requires-Dist marked Dynamic: PEP 643), asked of its build
// backend as pip download asks: its build requirements are resolved for the local interpreter
// and fetched into a temporary folder, then pip prepares the sdist's metadata from that folder
// alone (PEP 517 prepare_metadata_for_build_wheel in an isolated environment, `pip install
// --dry-run --report`) and its Requires-Dist replaces PKG-INFO's.
// Spec: https://peps.python.org/pep-0517/ , https://peps.python.org/pep-0643/ ,
// https://pip.pypa.io/en/stable/reference/installation-report/
// Traps:
// - This runs the sdist's build backend on this machine, as pip download does; hence a flag.
// - Metadata is prepared, not a wheel built: no compiler runs for a C extension's metadata.
// - The build runs for the local interpreter, whatever the targets: a backend whose dependencies
//   depend on the building platform answers for this one (markers in Requires-Dist still hold).
// - Any failure (no backend, a backend error, another name or version) keeps PKG-INFO's answer
//   with a warning that says why: a sync is not failed by a metadata hook.

import { execFile } from "node:child_process";
import { mkdir, mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { canonicalizeName } from "../../pep/names.js";
import { parseRequirement } from "../../pep/requirement.js";
import type { Target } from "../../pep/target.js";
import { compareVersions } from "../../pep/version.js";
import type { HttpClient } from "../http/http-client.js";
import { offlinePipEnv } from "../install/build-sdist.js";
import type { CandidateFile, CandidateMetadata, Provider } from "../resolve/provider.js";
import { resolve } from "../resolve/resolve.js";
import { downloadToFile } from "../upstream/download.js";

const execFileAsync = promisify(execFile);

/** The local interpreter that prepares metadata. */
export interface MetadataBuilder {
  /** Its executable (with pip). */
  python: string;
  /** Its target, which its build requirements are resolved for. */
  target: Target;
}

/** What {@link prepareSdistMetadata} needs besides the sdist. */
export interface PrepareContext {
  builder: MetadataBuilder;
  /** Resolves the build requirements (the sync's provider). */
  provider: Provider;
  http: HttpClient;
  /** A folder of the caller's to work in (removed by the caller). */
  tmpDir: string;
}

/**
 * The core metadata pip's build backend run gives `file` (an sdist whose build requirements
 * are `buildRequires`), as the resolver takes it.
 * @throws Error with pip's last lines when resolution of the build requirements, a download or
 *   the metadata hook fails, or the metadata names another project or version.
 */
export async function prepareSdistMetadata(
  file: CandidateFile,
  expected: { name: string; version: string },
  buildRequires: string[],
  context: PrepareContext,
): Promise<CandidateMetadata> {
  const dir = await mkdtemp(join(context.tmpDir, "metadata-"));
  const links = join(dir, "links");
  await mkdir(links);
  const sdist = join(dir, file.filename);
  await downloadToFile(context.http, file, sdist);
  const build = await resolve(buildRequires.map(parseRequirement), context.provider, {
    target: context.builder.target,
    buildRequirements: false,
  });
  await Promise.all(
    build.packages.map((p) => downloadToFile(context.http, p.file, join(links, p.file.filename))),
  );
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      context.builder.python,
      [
        ...["-m", "pip", "--isolated", "install", "--dry-run", "--ignore-installed", "--no-deps"],
        ...["--no-index", "--find-links", links, "--disable-pip-version-check", "-q"],
        ...["--report", "-", sdist],
      ],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: offlinePipEnv(), cwd: dir },
    ));
  } catch (error) {
    const stderr = `${(error as { stderr?: string }).stderr ?? ""}`;
    throw new Error(`pip could not prepare its metadata: ${pipReason(stderr)}`);
  }
  const report = JSON.parse(stdout) as {
    install: { metadata: Record<string, string | string[] | undefined> }[];
  };
  const m = report.install[0]?.metadata ?? {};
  const name = String(m.name ?? "");
  const version = String(m.version ?? "");
  const same =
    canonicalizeName(name, { validate: false }) ===
      canonicalizeName(expected.name, { validate: false }) &&
    compareVersions(version, expected.version) === 0;
  if (!same) {
    throw new Error(
      `its build backend answered for ${name} ${version}, not ${expected.name} ${expected.version}`,
    );
  }
  const list = (v: string | string[] | undefined) =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];
  const out: CandidateMetadata = {
    name,
    version,
    requiresDist: list(m.requires_dist),
    providesExtra: list(m.provides_extra),
  };
  if (typeof m.requires_python === "string") out.requiresPython = m.requires_python;
  return out;
}

/**
 * The telling line of a failed pip run's stderr: the backend's own last line before pip's
 * "[end of output]" (its exception, usually), else pip's last line that is not a note or hint.
 */
function pipReason(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim());
  const end = lines.indexOf("[end of output]");
  const backend =
    end > 0
      ? lines
          .slice(0, end)
          .filter((l) => l !== "")
          .at(-1)
      : undefined;
  if (backend !== undefined) return backend;
  const own = lines.filter((l) => l !== "" && !/^(note|hint):/.test(l));
  return own.at(-1) ?? "no output";
}
