// writeTarGz: the headers it writes (fixed owner and mtime, modes as given, pax for long and
// non-ASCII names), its gzip header, its size check and its atomic rename.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Parser, type ReadEntry } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TarEntry, writeTarGz } from "../../../src/mirror/bundle/tar-writer.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-tar-writer-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Listed {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  body: string;
}

async function list(path: string): Promise<Listed[]> {
  const out: Listed[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (e: ReadEntry) => {
      const chunks: Buffer[] = [];
      e.on("data", (c: Buffer) => chunks.push(c));
      e.on("end", () =>
        out.push({
          path: e.path,
          type: e.type,
          mode: e.mode ?? -1,
          uid: e.uid ?? -1,
          gid: e.gid ?? -1,
          uname: e.uname ?? "",
          gname: e.gname ?? "",
          mtime: (e.mtime?.getTime() ?? -1) / 1000,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    },
  });
  parser.end(await readFile(path));
  await new Promise((r) => setImmediate(r));
  return out;
}

describe("writeTarGz", () => {
  const long = `wheels/${"a".repeat(120)}.whl`;
  const exactly100 = `wheels/${"b".repeat(89)}.whl`;

  it.each([
    { entry: { path: "manifest.json", mode: 0o644, bytes: Buffer.from("{}") }, type: "File" },
    { entry: { path: "install.sh", mode: 0o755, bytes: Buffer.from("#!/bin/sh\n") }, type: "File" },
    { entry: { path: "wheels/", mode: 0o755, directory: true }, type: "Directory" },
    { entry: { path: long, mode: 0o644, bytes: Buffer.from("long") }, type: "File" },
    { entry: { path: exactly100, mode: 0o600, bytes: Buffer.from("100") }, type: "File" },
    { entry: { path: "wheels/é-ü.whl", mode: 0o644, bytes: Buffer.alloc(0) }, type: "File" },
  ] as { entry: TarEntry; type: string }[])("$entry.path: $type", async ({ entry, type }) => {
    const out = join(dir, "one.tar.gz");
    await writeTarGz(out, [entry]);
    expect(await list(out)).toEqual([
      {
        path: entry.path,
        type,
        mode: entry.mode,
        uid: 0,
        gid: 0,
        uname: "",
        gname: "",
        mtime: 315532800,
        body: entry.bytes?.toString("utf8") ?? "",
      },
    ]);
  });

  it("keeps the order given, streams files, and writes the same bytes twice", async () => {
    const blob = join(dir, "blob");
    await writeFile(blob, Buffer.alloc(70_000, "z"));
    const entries: TarEntry[] = [
      { path: "z.txt", mode: 0o644, bytes: Buffer.from("z") },
      { path: long, mode: 0o644, file: { path: blob, size: 70_000 } },
      { path: "a.txt", mode: 0o644, bytes: Buffer.from("a") },
    ];
    await writeTarGz(join(dir, "a.tar.gz"), entries);
    await writeTarGz(join(dir, "b.tar.gz"), entries);
    const a = await readFile(join(dir, "a.tar.gz"));
    expect(a.equals(await readFile(join(dir, "b.tar.gz")))).toBe(true);
    // gzip member header: magic, deflate, no flags, mtime 0, OS 255 (RFC 1952 2.3).
    expect([...a.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    const listed = await list(join(dir, "a.tar.gz"));
    expect(listed.map((e) => [e.path, e.body.length])).toEqual([
      ["z.txt", 1],
      [long, 70_000],
      ["a.txt", 1],
    ]);
  });

  it.each([
    { name: "shorter", size: 11 },
    { name: "longer", size: 9 },
  ])("refuses a file $name than announced and leaves nothing behind", async ({ size }) => {
    const blob = join(dir, "blob");
    await writeFile(blob, "0123456789");
    const out = join(dir, "bad.tar.gz");
    await expect(
      writeTarGz(out, [{ path: "x.whl", mode: 0o644, file: { path: blob, size } }]),
    ).rejects.toMatchObject({ code: "SIZE_MISMATCH" });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.${process.pid}.partial`)).toBe(false);
  });
});
