// bench/serve: `wheelhouse serve` against nginx serving the same pages and files as static
// files, both on 127.0.0.1, loaded by the same generator (wrk, 64 connections, 10 s each).
// Prints requests/s and p99 latency per case and the ratio wheelhouse/nginx.
// Run: `npm run bench:serve` (needs nginx and wrk: `apt-get install nginx wrk`).
// Traps: nginx runs with one worker and no access log, wheelhouse with --quiet, so both do the
// same work per request; every request loop is bounded by wrk's duration.

import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startServe, wheelhouse } from "../tests/helpers/cli.js";
import { buildWheel, writeDistributions } from "../tests/helpers/wheels.js";
import { startNginx } from "./nginx.js";

const exec = promisify(execFile);
const DURATION = process.env.BENCH_DURATION ?? "10s";
const CONNECTIONS = 64;
const JSON_TYPE = "application/vnd.pypi.simple.v1+json";

interface WrkResult {
  rps: number;
  p99ms: number;
  errors: number;
}

async function wrk(
  url: string,
  headers: Record<string, string> = {},
  duration = DURATION,
): Promise<WrkResult> {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${duration}`, "--latency"];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  const { stdout } = await exec("wrk", [...args, url], { maxBuffer: 1 << 24 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  const p99ms = p99 ? Number(p99[1]) * scale[p99[2] as keyof typeof scale] : Number.NaN;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    stdout,
  );
  const errors = non2xx + (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, p99ms, errors };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "wh-bench-serve-"));
  const storeDir = join(dir, "store");
  const input = join(dir, "in");
  await mkdir(input);
  console.log(
    "bench/serve: preparing a store (a 1 MB wheel, a project with 20 releases, 10,000 projects)",
  );
  const dists = [
    await buildWheel({
      name: "big",
      version: "1.0",
      files: { "big/data.bin": randomBytes(1 << 20) },
    }),
  ];
  for (let i = 0; i < 20; i++) {
    dists.push(await buildWheel({ name: "demo", version: `1.${i}`, requiresDist: ["six"] }));
  }
  await writeDistributions(input, dists);
  const added = await wheelhouse(["add", "--store", storeDir, input]);
  if (added.code !== 0) throw new Error(added.stderr);
  // The 10,000-project root list: catalog rows only (a project list needs no files).
  const Database = (await import("better-sqlite3")).default;
  const db = new Database(join(storeDir, "catalog.db"));
  const insert = db.prepare(
    "INSERT INTO projects (name, display_name) VALUES (?, ?) ON CONFLICT DO NOTHING",
  );
  db.transaction(() => {
    for (let i = 0; i < 10_000 - 2; i++) insert.run(`project-${i}`, `Project_${i}`);
  })();
  db.close();

  const server = await startServe(["--store", storeDir, "--quiet"]);
  const big = dists[0];
  const cases: { name: string; path: string; headers: Record<string, string>; file: string }[] = [
    {
      name: "JSON project page",
      path: "/simple/demo/",
      headers: { Accept: JSON_TYPE },
      file: "demo.json",
    },
    {
      name: "HTML project page",
      path: "/simple/demo/",
      headers: { Accept: "text/html" },
      file: "demo.html",
    },
    {
      name: "root list, 10,000 projects",
      path: "/simple/",
      headers: { Accept: "text/html" },
      file: "root.html",
    },
    {
      name: "1 MB file",
      path: `/files/${big.sha256}/${big.filename}`,
      headers: {},
      file: big.filename,
    },
  ];

  // The same bytes as static files for nginx.
  const root = join(dir, "www");
  await mkdir(root);
  for (const c of cases) {
    const res = await fetch(`${server.url}${c.path}`, { headers: c.headers });
    const body = Buffer.from(await res.arrayBuffer());
    await writeFile(join(root, c.file), body);
  }
  const nginx = await startNginx(
    dir,
    root,
    `${JSON_TYPE} json; text/html html; application/zip whl;`,
  );
  const rows: string[] = [];
  try {
    for (const c of cases) {
      // A short unmeasured run first, so the JIT and the page cache are warm for both.
      await wrk(`${server.url}${c.path}`, c.headers, "1s");
      await wrk(`${nginx.url}/${c.file}`, {}, "1s");
      const ours = await wrk(`${server.url}${c.path}`, c.headers);
      const theirs = await wrk(`${nginx.url}/${c.file}`);
      const check = createHash("sha256")
        .update(await readFile(join(root, c.file)))
        .digest("hex")
        .slice(0, 8);
      rows.push(
        `${c.name.padEnd(28)} wheelhouse ${ours.rps.toFixed(0).padStart(7)} req/s p99 ${ours.p99ms.toFixed(2).padStart(7)} ms | nginx ${theirs.rps.toFixed(0).padStart(7)} req/s p99 ${theirs.p99ms.toFixed(2).padStart(7)} ms | ratio ${(ours.rps / theirs.rps).toFixed(2)}${ours.errors + theirs.errors ? ` (errors: ${ours.errors}/${theirs.errors})` : ""} [body ${check}]`,
      );
      console.log(rows[rows.length - 1]);
    }
  } finally {
    nginx.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(
    `\nbench/serve: wrk -t1 -c${CONNECTIONS} -d${DURATION}, both servers on 127.0.0.1; ratio = wheelhouse/nginx requests/s`,
  );
}

await main();
