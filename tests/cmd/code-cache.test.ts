// The V8 code cache of the built CLI (src/cmd/code-cache.ts), through real runs of
// dist/cli/wheelhouse.cjs: written at the end of a first run, read and left alone by the next,
// rewritten when V8 rejects it, bounded to the current chunks, off with
// NODE_DISABLE_COMPILE_CACHE, and never a reason for a command to fail.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI, wheelhouse } from "../helpers/cli.js";

const CHUNKS = dirname(CLI);
const FOLDER = `node-${process.version}-${process.arch}`;

describe.skipIf(!existsSync(CLI))("the CLI's code cache", () => {
  let home: string;
  let cache: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "wh-code-cache-"));
    cache = join(home, "code-cache", FOLDER);
    env = { ...process.env, WHEELHOUSE_CACHE_DIR: home };
    delete env.NODE_DISABLE_COMPILE_CACHE;
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const version = async (extra: NodeJS.ProcessEnv = {}) => {
    const ran = await wheelhouse(["--version"], { ...env, ...extra });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  };

  it("is written by a first run, one file per chunk it loaded, named after the chunk", async () => {
    await version();
    const files = readdirSync(cache);
    expect(files.length).toBeGreaterThan(0);
    const chunks = new Set(readdirSync(CHUNKS));
    for (const file of files) {
      expect(file).toMatch(/^[\w-]+-[\w-]{8}\.cjs\.v8$/);
      expect(chunks.has(file.slice(0, -".v8".length))).toBe(true);
    }
    expect(files.some((f) => f.startsWith("main-"))).toBe(true);
  });

  it("is read, not rewritten, by the next run", async () => {
    await version();
    const file = join(cache, readdirSync(cache).find((f) => f.startsWith("main-"))!);
    const before = statSync(file);
    await version();
    const after = statSync(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
  });

  it("is rewritten when V8 rejects it, and the command still runs", async () => {
    await version();
    const name = readdirSync(cache).find((f) => f.startsWith("main-"))!;
    const garbage = Buffer.alloc(statSync(join(cache, name)).size, 7);
    writeFileSync(join(cache, name), garbage);
    await version();
    expect(readFileSync(join(cache, name)).equals(garbage)).toBe(false);
  });

  it("keeps only the current chunks and this Node's folder", async () => {
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, "main-AAAAAAAA.cjs.v8"), "old build");
    mkdirSync(join(home, "code-cache", "node-v0.0.0-x64"));
    writeFileSync(join(home, "code-cache", "node-v0.0.0-x64", "main-BBBBBBBB.cjs.v8"), "old node");
    await version();
    expect(readdirSync(join(home, "code-cache"))).toEqual([FOLDER]);
    expect(readdirSync(cache)).not.toContain("main-AAAAAAAA.cjs.v8");
  });

  it("is off with NODE_DISABLE_COMPILE_CACHE", async () => {
    await version({ NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(existsSync(join(home, "code-cache"))).toBe(false);
  });

  it("does not fail a command when it cannot be written", async () => {
    const file = join(home, "not-a-folder");
    writeFileSync(file, "");
    await version({ WHEELHOUSE_CACHE_DIR: file });
  });
});
