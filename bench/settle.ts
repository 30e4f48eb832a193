// Benchmark helper: wait until this machine's file system creates files at its quiet speed.
// Trap (measured here): on a journal-less ext4, creating files within ~30 s (sometimes minutes)
// of deleting many is several times slower, as the allocator walks the freed inodes. A tool that
// creates files (a store, a venv) pays that and one that only reads (sha256sum) does not, so a
// benchmark settles first and prints the probe it measured beside its figures.

import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";

let probes = 0;

/**
 * Milliseconds to create 1,000 empty files in a new folder under `root` (left there: deleting
 * them would disturb the next probe). Quiet here: 30-80 ms.
 */
export function probeFileCreation(root: string): number {
  const dir = join(root, `probe-${process.pid}-${probes++}`);
  mkdirSync(dir);
  const start = performance.now();
  for (let i = 0; i < 1000; i++) closeSync(openSync(join(dir, `f${i}`), "w"));
  return performance.now() - start;
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/**
 * Sleep `seconds`, then probe every 10 s until a probe takes under `limitMs` (or `maxSeconds`
 * more have passed). Resolves with the last probe, in milliseconds.
 */
export async function settleFileSystem(
  root: string,
  seconds: number,
  limitMs: number,
  maxSeconds = 240,
): Promise<number> {
  await sleep(seconds);
  let last = probeFileCreation(root);
  for (let waited = 0; last > limitMs && waited < maxSeconds; waited += 10) {
    await sleep(10);
    last = probeFileCreation(root);
  }
  return last;
}
