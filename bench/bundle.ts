// bench/bundle: `wheelhouse bundle` against `pip wheel -r ... -w DIR && tar czf`, on the same
// input: the corpus closure (/work/shared/corpus/wheels and its requirements; the bench needs
// the corpus). pip runs with --no-index --find-links the same files and
// --no-cache-dir; wheelhouse bundles from a store filled beforehand with `wheelhouse add` (the
// connected side's sync), whose time is reported apart.
// Run: `npm run build && npm run bench:bundle`. Prints median times of 3 runs, sizes and ratios.
// Trap: the pip archive holds only the wheels; the bundle also holds its manifest, lock,
// requirements and scripts, and checks nothing less, so its size ratio is slightly above 1.

import "../tests/helpers/pip-env.js";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const CLI = join(process.cwd(), "dist", "cli", "wheelhouse.cjs");
const CORPUS = join(process.cwd(), "..", "shared", "corpus");
const RUNS = 3;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (npm run build)`);
  const wheels = join(CORPUS, "wheels");
  const requirements = join(CORPUS, "wheels-requirements.txt");
  if (!existsSync(wheels)) throw new Error(`the corpus is absent: ${wheels}`);
  const root = await mkdtemp(join(tmpdir(), "wh-bench-bundle-"));
  try {
    const store = join(root, "store");
    const addMs = await timed(() => exec(process.execPath, [CLI, "add", "--store", store, wheels]));
    const wh: number[] = [];
    const pip: number[] = [];
    let whSize = 0;
    let pipSize = 0;
    for (let i = 0; i < RUNS; i++) {
      const out = join(root, `bundle-${i}.tar.gz`);
      wh.push(
        await timed(() =>
          exec(process.execPath, [CLI, "bundle", "--store", store, "-r", requirements, "-o", out]),
        ),
      );
      whSize = (await stat(out)).size;
      const dir = join(root, `pip-${i}`);
      await mkdir(dir);
      const tarball = join(root, `pip-${i}.tar.gz`);
      pip.push(
        await timed(async () => {
          await exec("python3", [
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--no-index",
            "--find-links",
            wheels,
            "-r",
            requirements,
            "-w",
            dir,
          ]);
          await exec("tar", ["czf", tarball, "-C", dir, "."]);
        }),
      );
      pipSize = (await stat(tarball)).size;
    }
    const [w, p] = [median(wh), median(pip)];
    const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
    console.log(`input: ${wheels} (-r ${requirements})`);
    console.log(`wheelhouse add (store fill, once): ${addMs.toFixed(0)} ms`);
    console.log(
      `wheelhouse bundle:          ${w.toFixed(0)} ms, ${mb(whSize)} (median of ${RUNS})`,
    );
    console.log(
      `pip wheel && tar czf:       ${p.toFixed(0)} ms, ${mb(pipSize)} (median of ${RUNS})`,
    );
    console.log(`time ratio bundle/pip: ${(w / p).toFixed(2)}`);
    console.log(`size ratio bundle/pip: ${(whSize / pipSize).toFixed(3)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
