// When only an sdist is at hand, or a requirement names a source tree (a directory): build a
// wheel offline with the target interpreter's pip, `python -m pip wheel --no-index --find-links
// <the same local sources> --no-deps`, so the build requirements come from the same places as
// everything else (never an index).
// Spec: https://peps.python.org/pep-0517/ (build backends), https://peps.python.org/pep-0518/
// Traps:
// - The store is not a flat directory (blobs are named by sha256): a temp dir of symlinks with
//   the real filenames stands in for it, only for pip to read.
// - pip names a missing build requirement as "No matching distribution found for X": that is
//   turned into an error that says which one and how to get it.
// - pip recognises an sdist by its file extension: a store blob (named by sha256) is linked
//   under its real filename first, or pip calls it an invalid requirement.
// - A find-links URL is read by pip too, so pip gets the install's network options (--proxy,
//   --cert, --client-cert, --retries, --timeout) under the same names.

import { execFile } from "node:child_process";
import { mkdir, readdir, symlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { iterateFiles } from "../../store/queries.js";
import { blobPath, type Store } from "../../store/store.js";
import type { FindLinksNetwork } from "./fetch-links.js";

const execFileAsync = promisify(execFile);

/** A flat directory of symlinks to every file of the store, named by filename. */
export async function storeAsFindLinks(store: Store, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const f of iterateFiles(store)) {
    await symlink(blobPath(store, f.sha256), join(dir, f.filename)).catch(() => undefined);
  }
  return dir;
}

/** pip's general options for `network` (https://pip.pypa.io/en/stable/cli/pip/#general-options). */
export function pipNetworkOptions(network: FindLinksNetwork): string[] {
  const args: string[] = [];
  if (network.proxy) args.push("--proxy", network.proxy);
  if (network.cert) args.push("--cert", network.cert);
  if (network.clientCert) args.push("--client-cert", network.clientCert);
  if (network.retries !== undefined) args.push("--retries", String(network.retries));
  if (network.timeoutMs !== undefined) args.push("--timeout", String(network.timeoutMs / 1000));
  return args;
}

/**
 * Build `sdistPath` into a wheel in `outDir` with `python -m pip wheel`, reading `findLinks` (and
 * a URL among them through `network`), with `pipOptions` (pip's build options the user gave:
 * --no-build-isolation, --use-pep517, --check-build-dependencies). Resolves to the wheel path.
 * @throws WheelhouseError "BUILD_BACKEND_MISSING" naming the missing build requirement, or
 *   "SDIST_BUILD_FAILED" with pip's last lines as the hint.
 */
export async function buildSdist(
  python: string,
  sdistPath: string,
  filename: string,
  findLinks: string[],
  outDir: string,
  network: FindLinksNetwork = {},
  pipOptions: string[] = [],
): Promise<string> {
  await mkdir(outDir, { recursive: true });
  let source = sdistPath;
  if (basename(sdistPath) !== filename) {
    const named = `${outDir}-sdist`;
    await mkdir(named, { recursive: true });
    source = join(named, filename);
    await symlink(sdistPath, source);
  }
  const subject: BuildSubject = {
    label: `sdist ${quote(filename)}`,
    kind: "an sdist",
    backendHint:
      "fetch it with `wheelhouse sync` (it includes build requirements of sdists) or put its wheel in a --find-links directory",
    noPipHint: "or provide a wheel",
  };
  return pipWheel(python, source, subject, findLinks, outDir, network, pipOptions);
}

/**
 * Build the source tree `dir` (a directory holding pyproject.toml or setup.py) into a wheel in
 * `outDir`, as {@link buildSdist} builds an sdist: `python -m pip wheel --no-index --find-links
 * ... --no-deps -w outDir dir`. Resolves to the wheel path.
 * @throws WheelhouseError "BUILD_BACKEND_MISSING" naming the missing build requirement, or
 *   "SDIST_BUILD_FAILED" with pip's last lines as the hint; each quotes `dir`.
 */
export async function buildSourceTree(
  python: string,
  dir: string,
  findLinks: string[],
  outDir: string,
  network: FindLinksNetwork = {},
  pipOptions: string[] = [],
): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const subject: BuildSubject = {
    label: `source tree ${quote(dir)}`,
    kind: "a source tree",
    backendHint:
      "put its wheel in a --find-links directory or the store (on the connected side: wheelhouse sync 'REQUIREMENT', then carry it over)",
    noPipHint:
      "or build the wheel elsewhere (python3 -m pip wheel --no-deps -w wheels DIR) and give its path",
  };
  return pipWheel(python, dir, subject, findLinks, outDir, network, pipOptions);
}

/** What is built, for messages. */
interface BuildSubject {
  /** e.g. `sdist "x-1.0.tar.gz"`, `source tree "/src/x"`. */
  label: string;
  /** e.g. "an sdist". */
  kind: string;
  /** The hint for a missing build requirement; REQUIREMENT stands for it. */
  backendHint: string;
  /** The end of the hint when the interpreter has no pip: "or ...". */
  noPipHint: string;
}

/** `python -m pip wheel --no-index --no-deps -w outDir --find-links ... source`; the wheel's path. */
async function pipWheel(
  python: string,
  source: string,
  subject: BuildSubject,
  findLinks: string[],
  outDir: string,
  network: FindLinksNetwork,
  pipOptions: string[],
): Promise<string> {
  const args = [
    "-m",
    "pip",
    "--isolated",
    "wheel",
    "--no-index",
    "--no-deps",
    "--disable-pip-version-check",
    "-q",
    "-w",
    outDir,
  ];
  for (const f of findLinks) args.push("--find-links", f);
  if (findLinks.some((f) => /^https?:/i.test(f))) args.push(...pipNetworkOptions(network));
  args.push(...pipOptions, source);
  try {
    await execFileAsync(python, args, {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: offlinePipEnv(),
    });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ""}\n${(error as { stderr?: string }).stderr ?? ""}`;
    const missing = /No matching distribution found for ([^\s]+)/.exec(output);
    if (missing) {
      throw new WheelhouseError(
        "BUILD_BACKEND_MISSING",
        `${subject.label} needs the build requirement ${quote(missing[1])}, which no local source has`,
        { cause: error, hint: subject.backendHint.replace("REQUIREMENT", missing[1]) },
      );
    }
    const hint = /No module named pip\b/.test(output)
      ? `building ${subject.kind} needs pip in the target environment, and ${quote(python)} has none: install pip there, ${subject.noPipHint}`
      : output.trim().split("\n").slice(-8).join("\n");
    throw new WheelhouseError("SDIST_BUILD_FAILED", `building ${subject.label} failed`, {
      cause: error,
      hint,
    });
  }
  const wheels = (await readdir(outDir)).filter((n) => n.endsWith(".whl"));
  if (wheels.length === 0) {
    throw new WheelhouseError("SDIST_BUILD_FAILED", `building ${subject.label} made no wheel`);
  }
  return join(outDir, wheels[0]);
}

/**
 * The environment of the offline pip build: the user's pip configuration left out (PIP_*
 * variables and config files could add indexes or find-links locations), so the build sees only
 * the sources wheelhouse hands it. pip passes the same to its build-isolation subprocess.
 */
/** The environment of an offline pip run: no PIP_* variables, no pip configuration, no prompts. */
export function offlinePipEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("PIP_")) env[key] = value;
  }
  env.PIP_CONFIG_FILE = "/dev/null";
  env.PIP_NO_INPUT = "1";
  return env;
}
