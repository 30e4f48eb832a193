// Writes batches of files (and symlinks) on worker threads, so that creating inodes (kernel
// time) and inflating, CRC-checking and hashing a wheel's members run beside the main thread
// (which only lists members and slices their stored bytes), and several files are created at
// once. Each batch is done synchronously by one worker: one message per batch, not three
// thread-pool round trips per file as with fs.promises.
// Traps:
// - A "packed" op carries a member's stored bytes; the worker inflates them (capped one byte past
//   the declared size), checks size and CRC-32, then the RECORD hash and size, and writes the
//   file only when all hold. A failed check rejects with `check` set (see CheckFailure).
// - Stored bytes are transferred, not copied, when they own their whole ArrayBuffer (a view
//   into a bigger one, e.g. Node's pooled Buffers, would send or detach all of it): the caller
//   copies each member out of the wheel, which costs less than the structured clone did.
// - A batch makes the directories of its files itself (mkdir -p, remembered per worker): two
//   workers may race to create the same directory, which mkdir -p tolerates.
// - The worker is an eval'd CommonJS string built from applyOps' own source, so the same code
//   runs with or without workers (and under vitest, which cannot start a .ts worker file).
// - Modes with an execute bit are set with chmod after writing: open() masks them with the umask.
// - A worker keeps the process alive only while it has work; close() terminates them. A batch
//   error keeps the errno code and path (EACCES, ENOSPC, ...).
// - A worker starts with V8's default flags, until it says it is ready (../v8-flags.ts: Node's
//   start-up code and modules are then taken precompiled, 20 ms of CPU instead of 40 each).

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import * as zlib from "node:zlib";
import { untunedWhile } from "../v8-flags.js";

const MODULES: Modules = { fs, zlib, crypto };

/** A wheel member to inflate, check and write: its stored bytes and what they must be. */
export interface PackedFile {
  kind: "packed";
  path: string;
  mode: number;
  /** Member name, for errors. */
  member: string;
  /** Stored bytes; transferred to the worker when they own their ArrayBuffer. */
  bytes: Uint8Array;
  /** 0 stored, 8 deflate. */
  method: number;
  /** Declared uncompressed size (bytes) and CRC-32 (unsigned) from the zip directory. */
  size: number;
  crc32: number;
  /** RECORD hash: a hashlib name (lower case) and the urlsafe-base64 digest without padding. */
  algorithm: string;
  digest: string;
  /** RECORD size, when given. */
  recordSize?: number;
}

/** One thing to create. Paths are absolute. */
export type FileOp =
  | { kind: "file"; path: string; data: Uint8Array | string; mode: number }
  | PackedFile
  | { kind: "link"; path: string; target: string };

/**
 * Why a packed file was not written: "CORRUPT_ARCHIVE" (`why` says how), "RECORD_HASH_MISMATCH",
 * "RECORD_SIZE_MISMATCH" (`size`: the member's real size).
 */
export interface CheckFailure {
  code: "CORRUPT_ARCHIVE" | "RECORD_HASH_MISMATCH" | "RECORD_SIZE_MISMATCH";
  member: string;
  algorithm: string;
  why: string;
  /** The member's real size and its RECORD size (0 when not given), in bytes. */
  size: number;
  recordSize: number;
}

interface Modules {
  fs: typeof fs;
  zlib: typeof zlib;
  crypto: typeof crypto;
}

/**
 * Create every op in order, making directories as needed (`known`: directories already made).
 * Self-contained (no imports, no closures): its source is the worker's.
 */
function applyOps(m: Modules, ops: FileOp[], known: Set<string>): void {
  const refuse = (op: PackedFile, code: CheckFailure["code"], why: string, size = 0): never => {
    const { member, algorithm } = op;
    const check = { code, member, algorithm, why, size, recordSize: op.recordSize ?? 0 };
    throw Object.assign(new Error(`member ${JSON.stringify(op.member)} ${why}`), { check });
  };
  const fsm = m.fs;
  for (const op of ops) {
    const dir = op.path.slice(0, Math.max(op.path.lastIndexOf("/"), op.path.lastIndexOf("\\")));
    if (!known.has(dir)) {
      fsm.mkdirSync(dir, { recursive: true });
      known.add(dir);
    }
    if (op.kind === "link") fsm.symlinkSync(op.target, op.path);
    else if (op.kind === "packed") {
      let data = op.bytes;
      if (op.method === 8) {
        try {
          // One output chunk of the declared size (+1 to see an overrun): zlib's default 16 KiB
          // chunks cost a concatenation per member, 15% of inflating the corpus's 1,500.
          const chunkSize = Math.max(64, op.size + 1);
          data = m.zlib.inflateRawSync(data, { maxOutputLength: op.size + 1, chunkSize });
        } catch (error) {
          refuse(op, "CORRUPT_ARCHIVE", `does not inflate: ${(error as Error).message}`);
        }
      }
      if (data.length !== op.size)
        refuse(
          op,
          "CORRUPT_ARCHIVE",
          `has ${data.length} bytes, not the ${op.size} of the directory`,
        );
      if (m.zlib.crc32(data) >>> 0 !== op.crc32)
        refuse(op, "CORRUPT_ARCHIVE", "fails its CRC-32 check");
      const digest = m.crypto.createHash(op.algorithm).update(data).digest("base64url");
      if (digest !== op.digest) refuse(op, "RECORD_HASH_MISMATCH", "differs", data.length);
      if (op.recordSize !== undefined && op.recordSize !== data.length)
        refuse(op, "RECORD_SIZE_MISMATCH", "differs", data.length);
      fsm.writeFileSync(op.path, data, { mode: op.mode });
      if (op.mode & 0o111) fsm.chmodSync(op.path, op.mode);
    } else {
      fsm.writeFileSync(op.path, op.data, { mode: op.mode });
      if (op.mode & 0o111) fsm.chmodSync(op.path, op.mode);
    }
  }
}

const WORKER_SOURCE = `
const m = { fs: require("node:fs"), zlib: require("node:zlib"), crypto: require("node:crypto") };
const { parentPort } = require("node:worker_threads");
parentPort.postMessage({ ready: true });
const applyOps = ${applyOps.toString()};
const known = new Set();
parentPort.on("message", ({ id, ops }) => {
  try {
    applyOps(m, ops, known);
    parentPort.postMessage({ id });
  } catch (e) {
    parentPort.postMessage({
      id,
      error: { message: e.message, code: e.code, path: e.path, check: e.check },
    });
  }
});
`;

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Ops every running worker must have queued before another worker starts: booting one costs
 * about 20 ms of CPU (60-90 ms when this was measured, before ../v8-flags.ts kept Node's
 * precompiled start-up), which a closure of small wheels does not win back on 2 cores (120 small
 * wheels: 310/320 -> 290/310 ms best/median, 15 alternating runs), while the corpus's bigger
 * wheels queue enough to start the second one (unchanged, 330/360 ms).
 */
const SPAWN_LOAD = 128;

/** A small pool of writer threads; falls back to writing inline with `threads` 0. */
export class FileWriter {
  private readonly workers: { worker: Worker; load: number }[] = [];
  private readonly pending = new Map<number, Pending & { slot: number; size: number }>();
  private readonly known = new Set<string>();
  private nextId = 0;

  /**
   * `threads`: worker count (default: one per core, at most 2; on 2 cores the main thread is
   * mostly idle once inflating moved here, and 2 workers beat 1 by ~15% on the corpus).
   */
  constructor(private readonly threads = Math.min(2, availableParallelism())) {}

  /**
   * Create the files of `ops` (in order, on one worker). Resolves when they exist.
   * @throws Error with the errno `code` and `path` of the first op that failed; the ops after it
   *   in the batch are not done.
   */
  write(ops: FileOp[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    if (this.threads === 0) {
      try {
        applyOps(MODULES, ops, this.known);
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve();
    }
    const slot = this.slot();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot, size: ops.length });
      if (this.workers[slot].load === 0) this.workers[slot].worker.ref();
      this.workers[slot].load += ops.length;
      const transfer: ArrayBuffer[] = [];
      for (const op of ops) {
        if (op.kind !== "packed") continue;
        const b = op.bytes.buffer;
        if (
          b instanceof ArrayBuffer &&
          op.bytes.byteOffset === 0 &&
          op.bytes.byteLength === b.byteLength
        )
          transfer.push(b);
      }
      this.workers[slot].worker.postMessage({ id, ops }, transfer);
    });
  }

  /** Start the first worker now, so that it boots while the caller does other work. */
  warm(): this {
    if (this.threads > 0 && this.workers.length === 0) this.slot();
    return this;
  }

  /** Stop the workers (after the writes in flight). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  private slot(): number {
    if (this.workers.length < this.threads && this.workers.every((w) => w.load >= SPAWN_LOAD)) {
      const tune = untunedWhile();
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.once("exit", tune);
      worker.unref(); // referenced only while it has work (see write/done)
      const slot = this.workers.length;
      worker.on("message", (m: { id: number; ready?: true; error?: { message: string } }) => {
        if (m.ready) tune();
        else this.done(m);
      });
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

  private done(m: {
    id: number;
    error?: { message: string; code?: string; path?: string; check?: CheckFailure };
  }) {
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
      check: m.error.check,
    });
    p.reject(error);
  }
}
