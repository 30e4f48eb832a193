// What import refuses in hand-made archives (headers encoded with node-tar's Header and Pax, as
// an attacker's tool would write them): links, devices, FIFOs, escaping paths (also through a
// pax record), repeated members (also as "./" spellings), a second manifest.json, members the
// manifest lists but the archive lacks. The store's catalog stays empty each time.
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Header, type HeaderData, Pax } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importArchive } from "../../../src/mirror/bundle/import.js";
import { closeStore, iterateFiles, openStore } from "../../../src/store/index.js";

/** One member: its header block, then its body padded to 512 bytes. */
function member(fields: Partial<HeaderData>, body = Buffer.alloc(0)): Buffer {
  const header = new Header({
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: new Date(0),
    size: body.length,
    type: "File",
    ...fields,
  });
  header.encode();
  return Buffer.concat([
    header.block as Buffer,
    body,
    Buffer.alloc((512 - (body.length % 512)) % 512),
  ]);
}

/** A pax extended header whose `path` record renames the next member. */
const paxPath = (path: string) => new Pax({ path, mtime: new Date(0) }).encode();

const readme = Buffer.from("hello\n");
const manifestBody = Buffer.from(
  JSON.stringify({
    format: "wheelhouse-bundle",
    formatVersion: 1,
    kind: "export",
    tool: { name: "wheelhouse", version: "0" },
    inputs: {},
    targets: [],
    documents: [
      {
        path: "README.txt",
        sha256: createHash("sha256").update(readme).digest("hex"),
        size: readme.length,
      },
    ],
    files: [],
  }),
);
const manifest = member({ path: "manifest.json" }, manifestBody);
const good = member({ path: "README.txt" }, readme);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-tar-reader-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function importOf(name: string, members: Buffer[]): Promise<string> {
  const archive = join(dir, `${name}.tar.gz`);
  await writeFile(archive, gzipSync(Buffer.concat([...members, Buffer.alloc(1024)])));
  const store = await openStore(join(dir, `store-${name}`));
  try {
    return await importArchive(store, archive).then(
      () => "imported",
      (e: { code: string; message: string }) => {
        expect([...iterateFiles(store)]).toEqual([]);
        return `${e.code}: ${e.message}`;
      },
    );
  } finally {
    closeStore(store);
  }
}

describe("import of hand-made archives", () => {
  it.each([
    ["plain", [manifest, good], "imported"],
    [
      "dot-slash",
      [member({ path: "./manifest.json" }, manifestBody), member({ path: "./README.txt" }, readme)],
      "imported",
    ],
    [
      "hardlink",
      [manifest, member({ path: "README.txt", type: "Link", linkpath: "manifest.json" })],
      'UNSAFE_ENTRY: "hardlink.tar.gz": entry "README.txt" is a Link',
    ],
    [
      "symlink",
      [manifest, member({ path: "README.txt", type: "SymbolicLink", linkpath: "/etc/passwd" })],
      'UNSAFE_ENTRY: "symlink.tar.gz": entry "README.txt" is a SymbolicLink',
    ],
    [
      "chardev",
      [manifest, member({ path: "README.txt", type: "CharacterDevice", devmaj: 1, devmin: 3 })],
      "is a CharacterDevice, not a regular file",
    ],
    [
      "fifo",
      [manifest, member({ path: "README.txt", type: "FIFO" })],
      "is a FIFO, not a regular file",
    ],
    [
      "pax-escape",
      [manifest, paxPath("../README.txt"), good],
      'UNSAFE_ENTRY: "pax-escape.tar.gz": entry "../README.txt"',
    ],
    [
      "dir-escape",
      [manifest, member({ path: "../d/", type: "Directory" }), good],
      'entry "../d/" has an absolute or parent',
    ],
    ["backslash", [manifest, member({ path: "a\\..\\..\\x" }, readme), good], "UNSAFE_ENTRY"],
    [
      "twice",
      [manifest, good, good],
      'UNEXPECTED_ENTRY: "twice.tar.gz": "README.txt" appears twice',
    ],
    [
      "twice-dot-slash",
      [manifest, good, member({ path: "./README.txt" }, readme)],
      '"README.txt" appears twice',
    ],
    [
      "manifest-twice",
      [manifest, manifest, good],
      'UNEXPECTED_ENTRY: "manifest-twice.tar.gz": "manifest.json"',
    ],
    [
      "missing",
      [manifest],
      'BUNDLE_INCOMPLETE: "missing.tar.gz": "README.txt" listed in manifest.json is missing',
    ],
  ] as const)("%s", async (name, members, expected) => {
    expect(await importOf(name, [...members])).toContain(expected);
  });
});
