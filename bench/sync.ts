// bench/sync: `wheelhouse sync` against `python3 -m pip download`, side by side, from the same
// nginx upstream on 127.0.0.1 (a generated static PEP 503 tree with PEP 658 .metadata files),
// into empty directories. Cases: the corpus closure; a generated closure of 120+ wheels
// (50 kB - 3 MB, incompressible, a dependency graph); the same closure from pages that also list
// 40 older releases per project, as real projects' pages do (the issue's reference, pip taking
// about 4 s for 128 real wheels of 170 MB, matches this case here); and that closure for three
// targets in one wheelhouse run against three pip runs (--platform/--python-version/--only-binary
// :all:).
// Run: `npm run bench:sync` (needs nginx: `apt-get install nginx`). Prints times and ratios,
// and for the one-target generated case the floor under any sync of those files (see floors()).
// Traps: pip runs with --no-cache-dir and wheelhouse with an empty store and metadata cache, so
// neither profits from an earlier run; nginx runs with one worker and no access log. Runs
// alternate (3 each, best and median), after the file system settles (settle.ts), and nothing
// is deleted until the end.

import "../tests/helpers/pip-env.js";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { inspectDistribution } from "../src/store/inspect.js";
import { runProcess } from "../tests/helpers/cli.js";
import { type BuiltDistribution, buildWheel } from "../tests/helpers/wheels.js";
import { startNginx } from "./nginx.js";
import { nodeStartNote } from "./node-start.js";
import { settleFileSystem } from "./settle.js";

const _exec = promisify(execFile);
// Run from the package root (npm run): the compiled bench lives elsewhere, so paths start here.
const CLI = join(process.cwd(), "dist", "cli", "wheelhouse.cjs");
const CORPUS_DIR = join(process.cwd(), "..", "shared", "corpus");
const PROJECTS = 120;
/** Alternating runs per case (BENCH_RUNS); best and median are printed. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGETS = [
  {
    spec: "cp311-manylinux_2_28_x86_64",
    tags: "cp311-cp311-manylinux_2_28_x86_64",
    pip: [
      "--platform",
      "manylinux_2_28_x86_64",
      "--python-version",
      "3.11",
      "--implementation",
      "cp",
      "--abi",
      "cp311",
    ],
  },
  {
    spec: "cp312-win_amd64",
    tags: "cp312-cp312-win_amd64",
    pip: [
      "--platform",
      "win_amd64",
      "--python-version",
      "3.12",
      "--implementation",
      "cp",
      "--abi",
      "cp312",
    ],
  },
  {
    spec: "cp313-macosx_14_0_arm64",
    tags: "cp313-cp313-macosx_14_0_arm64",
    pip: [
      "--platform",
      "macosx_14_0_arm64",
      "--python-version",
      "3.13",
      "--implementation",
      "cp",
      "--abi",
      "cp313",
    ],
  },
];

/** The generated closure: p000 needs p001 and p002, pN needs p(2N+1) and p(2N+2); every 4th is binary. */
async function generated(): Promise<BuiltDistribution[]> {
  const out: BuiltDistribution[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const name = `p${String(i).padStart(3, "0")}`;
    const deps = [2 * i + 1, 2 * i + 2]
      .filter((j) => j < PROJECTS)
      .map((j) => `p${String(j).padStart(3, "0")}>=1`);
    const size = 50_000 + ((i * 7919) % 100) * 29_500;
    const files = { [`${name}/data.bin`]: randomBytes(size) };
    const tagSets = i % 4 === 0 ? TARGETS.map((t) => t.tags) : ["py3-none-any"];
    for (const tags of tagSets)
      out.push(await buildWheel({ name, version: "1.1", tags, requiresDist: deps, files }));
    if (i % 5 === 0) out.push(await buildWheel({ name, version: "1.0", requiresDist: deps }));
  }
  return out;
}

async function corpus(): Promise<BuiltDistribution[]> {
  const dir = join(CORPUS_DIR, "wheels");
  const out: BuiltDistribution[] = [];
  for (const filename of readdirSync(dir).filter((f) => f.endsWith(".whl"))) {
    const bytes = readFileSync(join(dir, filename));
    const inspected = await inspectDistribution(join(dir, filename), filename);
    out.push({
      filename,
      bytes,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      metadata: inspected.metadataBytes.toString("latin1"),
    });
  }
  return out;
}

/** Older releases listed per project under /simple-history/ (see writeTree). */
const HISTORY = 40;

/**
 * A static PEP 503 tree: /simple/<project>/index.html, /files/<file> and <file>.metadata; and
 * /simple-history/, the same pages with HISTORY older releases per project listed first (a wheel
 * and an sdist each, with hashes and PEP 658 attributes), as real projects' pages list their
 * past: both tools read and weigh every link, and neither fetches an old release's files (they
 * are not in /files/).
 */
async function writeTree(root: string, dists: BuiltDistribution[]): Promise<void> {
  await mkdir(join(root, "files"), { recursive: true });
  const byProject = new Map<string, BuiltDistribution[]>();
  for (const d of dists) {
    const project = d.filename.split("-")[0].toLowerCase().replace(/_/g, "-");
    byProject.set(project, [...(byProject.get(project) ?? []), d]);
    await writeFile(join(root, "files", d.filename), d.bytes);
    await writeFile(
      join(root, "files", `${d.filename}.metadata`),
      Buffer.from(d.metadata, "latin1"),
    );
  }
  for (const [project, files] of byProject) {
    await mkdir(join(root, "simple", project), { recursive: true });
    const links = files.map((d) => {
      const meta = createHash("sha256").update(Buffer.from(d.metadata, "latin1")).digest("hex");
      return `<a href="../../files/${d.filename}#sha256=${d.sha256}" data-dist-info-metadata="sha256=${meta}" data-core-metadata="sha256=${meta}">${d.filename}</a><br/>`;
    });
    await writeFile(
      join(root, "simple", project, "index.html"),
      `<!DOCTYPE html><html><body>\n${links.join("\n")}\n</body></html>\n`,
    );
    const past = Array.from({ length: HISTORY }, (_, k) =>
      [`${project}-0.${k}-py3-none-any.whl`, `${project}-0.${k}.tar.gz`].map((name) => {
        const digest = createHash("sha256").update(name).digest("hex");
        const meta = name.endsWith(".whl") ? ` data-core-metadata="sha256=${digest}"` : "";
        return `<a href="../../files/${name}#sha256=${digest}"${meta}>${name}</a><br/>`;
      }),
    ).flat();
    await mkdir(join(root, "simple-history", project), { recursive: true });
    await writeFile(
      join(root, "simple-history", project, "index.html"),
      `<!DOCTYPE html><html><body>\n${[...past, ...links].join("\n")}\n</body></html>\n`,
    );
  }
}

/**
 * The floor under any sync of `filenames` (from `base`/files/): each fetched 8 at a time with
 * undici into memory, hashed (sha256) and written to a new file with fsync, which is what a
 * store does at least, without resolution, inspection or a catalog; and with `curl` (8 at a
 * time, straight to files: the "fetching the same files 8 at a time"). Best of 3, in
 * seconds; curl's figure is omitted when curl is missing.
 */
async function floors(
  base: string,
  filenames: string[],
  dir: string,
): Promise<{ undici: number; curl?: number }> {
  const { Agent, request } = await import("undici");
  const agent = new Agent({ connections: 8 });
  const urls = filenames.map((f) => `${base}/files/${f}`);
  let undici = Number.POSITIVE_INFINITY;
  let curl: number | undefined;
  for (let run = 0; run < 3; run++) {
    const out = join(dir, `floor-${run}`);
    await mkdir(out, { recursive: true });
    const queue = [...urls];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
          const res = await request(url, { dispatcher: agent });
          const chunks: Buffer[] = [];
          const hash = createHash("sha256");
          for await (const chunk of res.body) {
            hash.update(chunk as Buffer);
            chunks.push(chunk as Buffer);
          }
          hash.digest("hex");
          const handle = await open(join(out, url.slice(url.lastIndexOf("/") + 1)), "wx");
          await handle.write(Buffer.concat(chunks));
          await handle.sync();
          await handle.close();
        }
      }),
    );
    undici = Math.min(undici, (performance.now() - start) / 1000);
    const curlOut = join(dir, `floor-curl-${run}`);
    await mkdir(curlOut, { recursive: true });
    const groups = Array.from({ length: 8 }, (_, i) => urls.filter((_, j) => j % 8 === i));
    const begun = performance.now();
    const ran = await Promise.all(
      groups.map((g) =>
        runProcess("curl", ["-s", "-f", "--remote-name-all", "--output-dir", curlOut, ...g], {
          timeoutMs: 120_000,
        }).catch(() => ({ code: -1 })),
      ),
    );
    if (ran.every((r) => r.code === 0)) {
      curl = Math.min(curl ?? Number.POSITIVE_INFINITY, (performance.now() - begun) / 1000);
    }
  }
  await agent.close();
  return curl === undefined ? { undici } : { undici, curl };
}

async function timed(label: string, file: string, args: string[]): Promise<number> {
  const start = performance.now();
  const ran = await runProcess(file, args, { timeoutMs: 600_000 });
  const seconds = (performance.now() - start) / 1000;
  if (ran.code !== 0) throw new Error(`${label} failed (${ran.code}): ${ran.stderr.slice(-2000)}`);
  if (process.env.BENCH_VERBOSE) process.stdout.write(ran.stdout);
  return seconds;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "wh-bench-sync-"));
  try {
    const gen = await generated();
    const root = join(dir, "www");
    await writeTree(root, [...gen, ...(await corpus())]);
    const server = await startNginx(
      dir,
      root,
      "text/html html; application/octet-stream whl; text/plain metadata;",
    );
    const nginx = { base: server.url, stop: server.stop };
    const probe = await settleFileSystem(dir, 30, Number(process.env.BENCH_PROBE_MS ?? 80));
    process.stdout.write(`file-creation probe after settling: ${probe.toFixed(0)} ms\n`);
    const note = nodeStartNote();
    if (note) process.stdout.write(`${note}\n`);
    const genReqs = join(dir, "generated.txt");
    await writeFile(genReqs, "p000\n");
    const rows: string[] = [];
    let n = 0;
    const fresh = () => join(dir, `out-${n++}`);
    try {
      const cases = [
        {
          name: "corpus closure, local target",
          reqs: join(CORPUS_DIR, "wheels-requirements.txt"),
          targets: [] as typeof TARGETS,
        },
        { name: "generated closure, local target", reqs: genReqs, targets: [] as typeof TARGETS },
        {
          name: `same, ${HISTORY} older releases listed`,
          reqs: genReqs,
          targets: [] as typeof TARGETS,
          simple: "simple-history",
        },
        { name: "generated closure, 3 targets", reqs: genReqs, targets: TARGETS },
      ];
      for (const c of cases as {
        name: string;
        reqs: string;
        targets: typeof TARGETS;
        simple?: string;
      }[]) {
        const indexUrl = `${nginx.base}/${c.simple ?? "simple"}/`;
        let out = "";
        const oursRuns: number[] = [];
        const theirsRuns: number[] = [];
        // Alternating runs into new directories; nothing is deleted until the end (settle.ts).
        for (let run = 0; run < RUNS; run++) {
          out = fresh();
          const whArgs = [
            "sync",
            "--store",
            out,
            "--index-url",
            indexUrl,
            "-r",
            c.reqs,
            ...c.targets.flatMap((t) => ["--target", t.spec]),
          ];
          oursRuns.push(await timed(`wheelhouse ${c.name}`, CLI, whArgs));
          const pipBase = [
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--no-cache-dir",
            "--quiet",
            "--index-url",
            indexUrl,
            "-r",
            c.reqs,
          ];
          let pipTime = 0;
          if (c.targets.length === 0)
            pipTime = await timed(`pip ${c.name}`, "python3", [...pipBase, "-d", fresh()]);
          for (const t of c.targets)
            pipTime += await timed(`pip ${c.name} ${t.spec}`, "python3", [
              ...pipBase,
              "-d",
              fresh(),
              "--only-binary",
              ":all:",
              ...t.pip,
            ]);
          theirsRuns.push(pipTime);
        }
        const files = readdirSync(join(out, "blobs"), { recursive: true }).length;
        const ours = Math.min(...oursRuns);
        const theirs = Math.min(...theirsRuns);
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
        const pipFiles = c.targets.length === 0 ? "" : ` (${c.targets.length} pip runs)`;
        rows.push(
          `${c.name.padEnd(34)} best of ${RUNS}: wheelhouse ${ours.toFixed(2).padStart(5)} s | pip ${theirs.toFixed(2).padStart(5)} s${pipFiles} | pip/wheelhouse ${(theirs / ours).toFixed(1)}x ` +
            `(median ${(median(theirsRuns) / median(oursRuns)).toFixed(1)}x) [store entries ${files}]`,
        );
        process.stdout.write(`${rows[rows.length - 1]}\n`);
        if (c.name === "generated closure, local target") {
          const listed = await runProcess(process.execPath, [
            CLI,
            "list",
            "--json",
            "--store",
            out,
          ]);
          const names = (JSON.parse(listed.stdout) as { filename: string }[]).map(
            (f) => f.filename,
          );
          const floor = await floors(server.url, names, fresh());
          const curl =
            floor.curl === undefined ? "" : `; curl -P8 to files ${floor.curl.toFixed(2)} s`;
          rows.push(
            `  floor for those ${names.length} files: undici 8 at a time + sha256 + write + fsync ${floor.undici.toFixed(2)} s${curl} (pip/5 = ${(theirs / 5).toFixed(2)} s)`,
          );
          process.stdout.write(`${rows[rows.length - 1]}\n`);
        }
      }
    } finally {
      nginx.stop();
    }
    const bytes = gen.reduce((s, d) => s + d.bytes.length, 0);
    process.stdout.write(
      `\nbench/sync: nginx on 127.0.0.1 (static PEP 503 + PEP 658); generated tree ${gen.length} files, ${(bytes / 1e6).toFixed(0)} MB; ` +
        "wheelhouse sync (default concurrency 8) vs python3 -m pip download, both into empty directories\n",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
