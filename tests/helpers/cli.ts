// Test helper: run the built CLI (`dist/cli/wheelhouse.cjs`, see rolldown.config.mjs) as a real
// process.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** The repository root: the nearest folder above this file holding wheelhouse's package.json. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) || !existsSync(join(dir, "biome.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("wheelhouse repository root not found");
    dir = up;
  }
  return dir;
}

/** Absolute path of the built CLI entry point (works from tests and from compiled benchmarks). */
export const CLI = join(repositoryRoot(), "dist", "cli", "wheelhouse.cjs");

/** Result of a finished process. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion without blocking the event loop; never throws on exit codes. */
export async function runProcess(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === "number" ? e.code : 1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? String(error),
    };
  }
}

/** Run `wheelhouse ARGS...`. */
export function wheelhouse(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return runProcess(process.execPath, [CLI, ...args], { env });
}

/** A `wheelhouse serve` process on 127.0.0.1 port 0, with its base URL. */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/**
 * Start `wheelhouse serve --port 0 --json ...` and wait for its banner. `launcher`, when given,
 * is a command that runs the rest of its arguments (node, the CLI and these), e.g. `unshare ...`.
 */
export async function startServe(args: string[], launcher: string[] = []): Promise<ServeProcess> {
  const argv = [process.execPath, CLI, "serve", "--port", "0", "--json", ...args];
  const [file, ...rest] = [...launcher, ...argv];
  const child = spawn(file, rest, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once("line", (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return {
    url: url.replace(/\/simple\/$/, ""),
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}
