// Writes batches of files (and symlinks) on worker threads, so that creating inodes (kernel
// time) overlaps with inflating and hashing on the main thread, and several files are created
// at once. Each batch is done synchronously by one worker: one message per batch, not three
// thread-pool round trips per file as with fs.promises.
// Traps:
// - A batch makes the directories of its files itself (mkdir -p, remembered per worker): two
//   workers may race to create the same directory, which mkdir -p tolerates.
// - The worker is an eval'd CommonJS string built from applyOps' own source, so the same code
//   runs with or without workers (and under vitest, which cannot start a .ts worker file).
// - Modes with an execute bit are set with chmod after writing: open() masks them with the umask.
// - A worker keeps the process alive only while it has work; close() terminates them. A batch
//   error keeps the errno code and path (EACCES, ENOSPC, ...).

import * as fs from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** One thing to create. Paths are absolute. */
export type FileOp =
  | { kind: "file"; path: string; data: Uint8Array | string; mode: number }
  | { kind: "link"; path: string; target: string };

/** Create every op in order, making directories as needed (`known`: directories already made). */
function applyOps(fsm: typeof fs, ops: FileOp[], known: Set<string>): void {
  for (const op of ops) {
    const dir = op.path.slice(0, Math.max(op.path.lastIndexOf("/"), op.path.lastIndexOf("\\")));
    if (!known.has(dir)) {
      fsm.mkdirSync(dir, { recursive: true });
      known.add(dir);
    }
    if (op.kind === "link") fsm.symlinkSync(op.target, op.path);
    else {
      fsm.writeFileSync(op.path, op.data, { mode: op.mode });
      if (op.mode & 0o111) fsm.chmodSync(op.path, op.mode);
    }
  }
}

const WORKER_SOURCE = `
const fs = require("node:fs");
const { parentPort } = require("node:worker_threads");
const applyOps = ${applyOps.toString()};
const known = new Set();
parentPort.on("message", ({ id, ops }) => {
  try {
    applyOps(fs, ops, known);
    parentPort.postMessage({ id });
  } catch (e) {
    parentPort.postMessage({ id, error: { message: e.message, code: e.code, path: e.path } });
  }
});
`;

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

/** A small pool of writer threads; falls back to writing inline with `threads` 0. */
export class FileWriter {
  private readonly workers: { worker: Worker; load: number }[] = [];
  private readonly pending = new Map<number, Pending & { slot: number; size: number }>();
  private readonly known = new Set<string>();
  private nextId = 0;

  /** `threads`: worker count (default: up to 2, one less than the cores, at least 1). */
  constructor(private readonly threads = Math.max(1, Math.min(2, availableParallelism() - 1))) {}

  /**
   * Create the files of `ops` (in order, on one worker). Resolves when they exist.
   * @throws Error with the errno `code` and `path` of the first op that failed; the ops after it
   *   in the batch are not done.
   */
  write(ops: FileOp[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    if (this.threads === 0) {
      applyOps(fs, ops, this.known);
      return Promise.resolve();
    }
    const slot = this.slot();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot, size: ops.length });
      if (this.workers[slot].load === 0) this.workers[slot].worker.ref();
      this.workers[slot].load += ops.length;
      this.workers[slot].worker.postMessage({ id, ops });
    });
  }

  /** Stop the workers (after the writes in flight). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  private slot(): number {
    if (this.workers.length < this.threads) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref(); // referenced only while it has work (see write/done)
      const slot = this.workers.length;
      worker.on("message", (m: { id: number; error?: { message: string; code?: string } }) =>
        this.done(m),
      );
      worker.on("error", (error) => {
        for (const [id, p] of this.pending) {
          if (p.slot !== slot) continue;
          this.pending.delete(id);
          p.reject(error);
        }
      });
      this.workers.push({ worker, load: 0 });
      return slot;
    }
    let best = 0;
    for (let i = 1; i < this.workers.length; i++)
      if (this.workers[i].load < this.workers[best].load) best = i;
    return best;
  }

  private done(m: { id: number; error?: { message: string; code?: string; path?: string } }) {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    const w = this.workers[p.slot];
    w.load -= p.size;
    if (w.load === 0) w.worker.unref();
    if (!m.error) return p.resolve();
    const error = Object.assign(new Error(m.error.message), {
      code: m.error.code,
      path: m.error.path,
    });
    p.reject(error);
  }
}
