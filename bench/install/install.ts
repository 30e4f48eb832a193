// bench:install — `wheelhouse install` against `pip install --no-index --find-links`, side by
// side: the corpus closure (when ../shared/corpus is there) and a closure of 120 generated
// wheels, without compilation (wheelhouse's default vs pip --no-compile) and with it (wheelhouse
// --compile vs pip's default). Prints best and median of several alternating runs, and the ratio.
// Run: npm run bench:install (builds dist first). BENCH_RUNS=n (default 5) sets the runs.
// Each case without compilation also prints a floor: unzip of the same wheels (unzipFloor).
// Traps:
// - On a journal-less ext4, creating files within ~30 s of deleting many is several times
//   slower (the allocator skips the freed inodes one by one): every venv is made up front, the
//   file system is left to settle once, and nothing is deleted until every run is done. 35 s
//   was not always enough after tens of thousands of deletions (a test run, an earlier bench):
//   the pause is 60 s, then longer until creating 1,000 empty files takes under BENCH_PROBE_MS
//   (default 35 ms; quiet is 20-30 ms here; at most 4 more minutes). Each case probes again
//   just before it, waits the same way when the probe is over the limit (at most 2 minutes),
//   and prints the probe it ran after: runs that began a case at 46 and 70 ms had both tools'
//   times for that case a third above their usual.
// - wheelhouse and pip runs alternate, so a slow spell hits both tools alike.
// - wheelhouse runs as users run its bin (dist/cli/wheelhouse.cjs executed, so through its sh
//   launcher: see rolldown.config.mjs), not as `node dist/cli/wheelhouse.cjs`.
// - pip runs without this machine's pip configuration (../../tests/helpers/pip-env.ts): its
//   PIP_FIND_LINKS and pip.conf add folders for pip to scan.
import "../../tests/helpers/pip-env.js";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../../tests/helpers/cli.js";
import { buildWheel, writeDistributions } from "../../tests/helpers/wheels.js";
import { nodeStartNote } from "../node-start.js";
import { probeFileCreation, settleFileSystem } from "../settle.js";

const CORPUS = join(CLI, "..", "..", "..", "..", "shared", "corpus");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SETTLE_SECONDS = 60;
const PROBE_LIMIT_MS = Number(process.env.BENCH_PROBE_MS ?? 35);
const root = mkdtempSync(join(tmpdir(), "wh-bench-install-"));

interface Case {
  label: string;
  links: string;
  req: string;
  compile: boolean;
}

function time(file: string, args: string[]): number {
  const start = performance.now();
  execFileSync(file, args, { stdio: ["ignore", "ignore", "pipe"] }); // stderr kept for errors
  return (performance.now() - start) / 1000;
}

/**
 * The floor under any install of the wheels in `links`: Info-ZIP's unzip (C) extracting them
 * into one new folder, two processes at a time (this machine's cores), with no resolution, no
 * RECORD check and no dist-info. Best of 3, in seconds; undefined without unzip.
 */
let unzips = 0;
function unzipFloor(links: string): number | undefined {
  let best: number | undefined;
  for (let run = 0; run < 3; run++) {
    const out = join(root, `unzip-${unzips++}`);
    mkdirSync(out);
    const script = `ls "$1"/*.whl | xargs -P2 -n 8 sh -c 'for w; do unzip -q -o "$w" -d "$0"; done' "$2"`;
    try {
      const seconds = time("sh", ["-c", script, "sh", links, out]);
      best = Math.min(best ?? seconds, seconds);
    } catch {
      return undefined;
    }
  }
  return best;
}

let venvs = 0;
function venv(): string {
  const dir = join(root, `venv-${venvs++}`);
  execFileSync("python3", ["-m", "venv", "--without-pip", dir]);
  return dir;
}

function wheelhouse(c: Case, env: string): number {
  // The built CLI run as its bin is (npm links it): its sh launcher, then node.
  return time(CLI, [
    "install",
    "--no-store",
    "--python",
    join(env, "bin", "python"),
    "-f",
    c.links,
    "-r",
    c.req,
    ...(c.compile ? ["--compile"] : []),
  ]);
}

function pip(c: Case, env: string): number {
  // pip from the base interpreter, installing into the venv (--python is pip >= 22.3).
  return time("python3", [
    "-m",
    "pip",
    "--python",
    join(env, "bin", "python"),
    "install",
    "-q",
    "--disable-pip-version-check",
    "--no-index",
    "--find-links",
    c.links,
    "-r",
    c.req,
    c.compile ? "--compile" : "--no-compile",
  ]);
}

async function generated(count: number): Promise<[string, string]> {
  const dir = join(root, "generated");
  mkdirSync(dir);
  const wheels = [];
  for (let i = 0; i < count; i++) {
    const files: Record<string, string> = {};
    for (let j = 0; j < 12; j++)
      files[`gen_${i}/mod_${j}.py`] = `def f${j}(x):\n    return x * ${j}\n`.repeat(20);
    files[`gen_${i}/__init__.py`] = "";
    wheels.push(
      await buildWheel({
        name: `gen-${i}`,
        version: "1.0",
        files,
        requiresDist: i + 1 < count ? [`gen-${i + 1}`] : [],
      }),
    );
  }
  await writeDistributions(dir, wheels);
  const req = join(root, "generated.txt");
  writeFileSync(req, "gen-0\n");
  return [dir, req];
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { best: s[0], median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2 };
};

try {
  const cases: Case[] = [];
  const only = process.env.BENCH_ONLY; // e.g. "corpus" or "generated": a subset while iterating
  if (existsSync(join(CORPUS, "wheels")) && only !== "generated") {
    for (const compile of [false, true])
      cases.push({
        label: "corpus (31 wheels)",
        links: join(CORPUS, "wheels"),
        req: join(CORPUS, "wheels-requirements.txt"),
        compile,
      });
  }
  if (only !== "corpus") {
    const [dir, req] = await generated(120);
    for (const compile of [false, true])
      cases.push({ label: "generated (120 wheels)", links: dir, req, compile });
  }
  // Every venv first, then one pause: no deletion happens within 30 s of a measured run.
  const envs = cases.map(() =>
    Array.from({ length: RUNS }, () => ({ ours: venv(), theirs: venv() })),
  );
  console.log(
    `method: ${venvs} venvs (python3 -m venv --without-pip) made up front, then ${SETTLE_SECONDS} s for ` +
      "the file system to settle (longer until a probe, 1,000 empty files created, takes under " +
      `${PROBE_LIMIT_MS} ms, and so again before each case; quiet: 20-30 ms); per case, wheelhouse and pip ` +
      `alternate into fresh venvs, ${RUNS} runs each, nothing deleted until the end; best and median wall time of the whole ` +
      "process; no compile = wheelhouse default vs pip --no-compile, compile = wheelhouse --compile vs pip default",
  );
  await settleFileSystem(root, SETTLE_SECONDS, PROBE_LIMIT_MS);
  const note = nodeStartNote();
  if (note) console.log(note);
  for (const [i, c] of cases.entries()) {
    let quiet = probeFileCreation(root);
    if (quiet > PROBE_LIMIT_MS) quiet = await settleFileSystem(root, 0, PROBE_LIMIT_MS, 120);
    const ours: number[] = [];
    const theirs: number[] = [];
    for (const env of envs[i]) {
      ours.push(wheelhouse(c, env.ours));
      theirs.push(pip(c, env.theirs));
    }
    const a = stats(ours);
    const b = stats(theirs);
    console.log(
      `${c.label.padEnd(24)} ${c.compile ? "compile   " : "no compile"}  ` +
        `wheelhouse best ${a.best.toFixed(2)}s median ${a.median.toFixed(2)}s  ` +
        `pip best ${b.best.toFixed(2)}s median ${b.median.toFixed(2)}s  ` +
        `ratio best ${(b.best / a.best).toFixed(1)}x median ${(b.median / a.median).toFixed(1)}x  ` +
        `(probe ${quiet.toFixed(0)} ms)`,
    );
    if (!c.compile) {
      const floor = unzipFloor(c.links);
      if (floor !== undefined)
        console.log(
          `  floor: unzip of the same wheels into one new folder, 2 at a time, best ${floor.toFixed(2)}s (pip best/5 = ${(b.best / 5).toFixed(2)}s)`,
        );
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
