import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { MAX_MEMBER_BYTES, openZip } from "../../src/store/zip-reader.js";
import { corpusPath, HAS_CORPUS } from "../helpers/corpus.js";
import { buildWheel } from "../helpers/wheels.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-zip-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every member name and its bytes, in archive order. `inMemoryBytes` 0 forces the disk reader. */
async function readAll(
  source: string | Buffer,
  inMemoryBytes?: number,
): Promise<[string, Buffer][]> {
  const zip = await openZip(source, "x.whl", inMemoryBytes);
  try {
    const names: string[] = [];
    await zip.walk((n) => {
      names.push(n);
      return false;
    });
    const out: [string, Buffer][] = [];
    for (const n of names) out.push([n, await zip.read(n)]);
    return out;
  } finally {
    zip.close();
  }
}

async function zipOf(members: [string, Buffer][], compress = true): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, data] of members) zip.addBuffer(data, name, { compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Rewrites the uncompressed size of `name` in the central directory (header offset 24). */
function withDeclaredSize(bytes: Buffer, name: string, size: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt32LE(size, copy.lastIndexOf(Buffer.from(name)) - 46 + 24);
  return copy;
}

async function readMember(bytes: Buffer, name: string): Promise<Buffer> {
  const zip = await openZip(bytes, "bad-1-py3-none-any.whl");
  await zip.walk((n) => n === name);
  return zip.read(name);
}

describe("openZip", () => {
  it("reads the same members from memory and from disk", async () => {
    const wheel = await buildWheel({
      name: "z",
      version: "1",
      files: { "z/a.py": "a".repeat(9000) },
    });
    const path = join(dir, wheel.filename);
    await writeFile(path, wheel.bytes);
    const memory = await readAll(path);
    expect(await readAll(path, 0)).toEqual(memory);
    expect(memory.map(([n]) => n)).toEqual([
      "z/a.py",
      "z-1.dist-info/METADATA",
      "z-1.dist-info/WHEEL",
      "z-1.dist-info/RECORD",
    ]);
    expect(memory[0][1].toString()).toBe("a".repeat(9000));
  });

  it("stops walking when the visitor says so", async () => {
    const bytes = await zipOf([
      ["a", Buffer.from("1")],
      ["b", Buffer.from("2")],
      ["c", Buffer.from("3")],
    ]);
    const zip = await openZip(bytes, "x.zip");
    const visited: string[] = [];
    await zip.walk((n) => {
      visited.push(n);
      return n === "b";
    });
    expect(visited).toEqual(["a", "b"]);
    expect((await zip.read("b")).toString()).toBe("2");
    await expect(zip.read("c")).rejects.toMatchObject({ code: "CORRUPT_ARCHIVE" });
  });

  it("walks thousands of members without deep recursion", async () => {
    const members = Array.from({ length: 20_000 }, (_, i): [string, Buffer] => [
      `m/${i}.py`,
      Buffer.alloc(0),
    ]);
    const zip = await openZip(await zipOf(members, false), "big.whl");
    let count = 0;
    await zip.walk(() => {
      count++;
      return false;
    });
    expect(count).toBe(20_000);
  });

  it.each([
    ["deflated", true],
    ["stored", false],
  ])("refuses a %s member whose bytes were altered (CRC-32)", async (_, compress) => {
    const bytes = await zipOf(
      [["crc/METADATA", Buffer.from("Name: crc\nSummary: aaaa\n")]],
      compress,
    );
    // the only member's data follows its local header (30 bytes, name, extra field)
    bytes[30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28) + 2] ^= 0xff;
    await expect(readMember(bytes, "crc/METADATA")).rejects.toMatchObject({
      code: "CORRUPT_ARCHIVE",
    });
  });

  it.each([
    ["inflates past its declared size (a bomb)", 100],
    ["declares more than the member limit", MAX_MEMBER_BYTES + 1],
  ])("refuses a member that %s", async (_, size) => {
    const bytes = await zipOf([["z/a.py", Buffer.from("a".repeat(9000))]]);
    await expect(
      readMember(withDeclaredSize(bytes, "z/a.py", size), "z/a.py"),
    ).rejects.toMatchObject({ code: "CORRUPT_ARCHIVE" });
  });

  it.each([
    ["empty", Buffer.alloc(0), "NOT_A_ZIP"],
    ["text", Buffer.from("hello world, not a zip file at all"), "NOT_A_ZIP"],
    [
      "truncated directory",
      Buffer.from("PK\x05\x06\0\0\0\0\x05\0\x05\0\0\0\0\0\0\0\0\0\0\0"),
      "CORRUPT_ARCHIVE",
    ],
  ])("refuses %s", async (_, bytes, code) => {
    await expect(readAll(bytes)).rejects.toMatchObject({ code });
  });

  it("gives back what yazl stored, in order (property)", async () => {
    const member = fc.tuple(
      fc.stringMatching(/^[a-z0-9_]{1,12}(\/[a-z0-9_]{1,8}){0,2}(\.py)?$/),
      fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(member, { selector: ([n]) => n, maxLength: 12 }),
        fc.boolean(),
        async (members, compress) => {
          expect(await readAll(await zipOf(members, compress))).toEqual(members);
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** Bytes of `name` read one of the ways the reader offers: in memory or from disk. */
const WAYS = [
  "read",
  "readNow",
  "stream from memory",
  "read from disk",
  "stream from disk",
] as const;

async function readVia(
  way: (typeof WAYS)[number],
  bytes: Buffer,
  name: string,
  maxBytes?: number,
  duplicates?: "first" | "last",
): Promise<Buffer> {
  const path = join(dir, `via-${WAYS.indexOf(way)}.zip`);
  if (way.endsWith("disk")) await writeFile(path, bytes);
  const zip = await openZip(way.endsWith("disk") ? path : bytes, "way.whl", 0, { duplicates });
  try {
    await zip.walk(() => false);
    if (way === "readNow") return zip.readNow(name, maxBytes)!;
    if (way.startsWith("stream")) {
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.stream(name)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    return await zip.read(name, maxBytes);
  } finally {
    zip.close();
  }
}

describe("openZip for the installer", () => {
  it.each([
    ["a file", 0o100644, "x"],
    ["an executable", 0o100755, "#!python\n"],
    ["a symlink", 0o120777, "target.py"],
    ["a group-executable file", 0o100750, ""],
  ])("gives the unix mode and sizes of %s", async (_, mode, text) => {
    const zip = new ZipFile();
    zip.addBuffer(Buffer.from(text.repeat(50)), "m/member", { mode, compress: true });
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    const archive = await openZip(Buffer.concat(chunks), "modes.whl");
    const members: unknown[] = [];
    await archive.walk((_name, member) => members.push(member) < 0);
    expect(members).toEqual([
      {
        name: "m/member",
        mode,
        size: text.length * 50,
        compressedSize: expect.any(Number),
      },
    ]);
  });

  it("reads at once in memory; from disk readNow() says undefined and stream() serves", async () => {
    const members: [string, Buffer][] = [
      ["a.py", Buffer.from("print(1)\n".repeat(500))],
      ["b.bin", Buffer.alloc(0)],
    ];
    const bytes = await zipOf(members);
    const path = join(dir, "now.zip");
    await writeFile(path, bytes);
    const memory = await openZip(path, "now.whl");
    const disk = await openZip(path, "now.whl", 0);
    expect([memory.inMemory, disk.inMemory]).toEqual([true, false]);
    await memory.walk(() => false);
    await disk.walk(() => false);
    for (const [name, data] of members) {
      expect(memory.readNow(name)).toEqual(data);
      expect(disk.readNow(name)).toBeUndefined();
      for (const zip of [memory, disk]) {
        const chunks: Buffer[] = [];
        for await (const chunk of await zip.stream(name)) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks)).toEqual(data);
      }
    }
    expect(() => memory.readNow("missing")).toThrow(
      expect.objectContaining({ code: "CORRUPT_ARCHIVE" }),
    );
    memory.close();
    disk.close();
  });

  it.each([
    ["read at once", 1000],
    ["read asynchronously (over 4 MiB)", 5 * 1024 * 1024],
  ])(
    "shared: the archive is %s into a SharedArrayBuffer, members are views of it",
    async (_, size) => {
      const data = Buffer.alloc(size, 3);
      const bytes = await zipOf(
        [
          ["big.bin", data],
          ["small.py", Buffer.from("print(2)\n".repeat(40))],
        ],
        false,
      );
      const path = join(dir, `shared-${size}.zip`);
      await writeFile(path, bytes);
      const zip = await openZip(path, "shared.whl", 64 * 1024 * 1024, { shared: true });
      try {
        expect([zip.inMemory, zip.memoryBytes]).toEqual([true, bytes.length]);
        await zip.walk(() => false);
        const raw = zip.rawNow("big.bin");
        expect(raw?.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(Buffer.from(raw!.bytes).equals(data)).toBe(true);
        expect(zip.readNow("small.py")?.toString()).toBe("print(2)\n".repeat(40));
      } finally {
        zip.close();
      }
    },
  );

  it.each(WAYS)("gives names raw: unsafe ones are the caller's to refuse (%s)", async (way) => {
    const bytes = Buffer.from(
      (
        await zipOf([
          ["xx/evil.py", Buffer.from("x")],
          ["xtmp/evil.py", Buffer.from("y")],
        ])
      )
        .toString("latin1")
        .replaceAll("xx/evil.py", "../evil.py")
        .replaceAll("xtmp/evil.py", "/tmp/evil.py"),
      "latin1",
    );
    const zip = await openZip(bytes, "evil.whl");
    const names: string[] = [];
    await zip.walk((n) => names.push(n) < 0);
    expect(names).toEqual(["../evil.py", "/tmp/evil.py"]);
    expect((await readVia(way, bytes, "../evil.py")).toString()).toBe("x");
  });

  it("reads past the default member limit when the caller asks", async () => {
    const big = Buffer.alloc(MAX_MEMBER_BYTES + 1, 7);
    const bytes = await zipOf([["big.so", big]]);
    await expect(readVia("read", bytes, "big.so")).rejects.toMatchObject({
      code: "CORRUPT_ARCHIVE",
    });
    expect((await readVia("readNow", bytes, "big.so", Number.POSITIVE_INFINITY)).equals(big)).toBe(
      true,
    );
  });

  // Oracle: python3 -c 'import zipfile; z = zipfile.ZipFile(P); print(z.read(N))' gives the
  // last entry of a name written twice, and refuses a local header naming another file
  // ("BadZipFile: File name in directory 'a/METADATA' and header b'a/METADATB' differ.").
  it.each(WAYS)(
    "reads a name listed twice at its last entry when asked, as zipfile (%s)",
    async (way) => {
      const bytes = await zipOf([
        ["d/METADATA", Buffer.from("first")],
        ["d/other.py", Buffer.from("x")],
        ["d/METADATA", Buffer.from("last")],
      ]);
      expect((await readVia(way, bytes, "d/METADATA", undefined, "last")).toString()).toBe("last");
      expect((await readVia(way, bytes, "d/METADATA")).toString()).toBe("first");
    },
  );

  it.each(WAYS)("refuses a local header that names another file, as zipfile (%s)", async (way) => {
    const bytes = await zipOf([["a/METADATA", Buffer.from("Name: a\n")]]);
    bytes.write("a/METADATB", 30, "latin1"); // the local header's name; the directory keeps its own
    const read = readVia(way, bytes, "a/METADATA");
    await expect(read).rejects.toMatchObject({ code: "CORRUPT_ARCHIVE" });
    await expect(read).rejects.toThrow(/"a\/METADATB" in its local header/);
  });

  it.each(WAYS)("refuses a local header without its signature (%s)", async (way) => {
    const bytes = await zipOf([["a/METADATA", Buffer.from("Name: a\n")]]);
    bytes.writeUInt32LE(0x12345678, 0); // the only local header starts the archive
    const read = readVia(way, bytes, "a/METADATA");
    await expect(read).rejects.toMatchObject({ code: "CORRUPT_ARCHIVE" });
    await expect(read).rejects.toThrow(/invalid local file header signature: 0x12345678/);
  });

  it.each(WAYS)("refuses a local header whose data runs past the archive (%s)", async (way) => {
    const bytes = await zipOf([["a/METADATA", Buffer.from("Name: a\n")]]);
    bytes.writeUInt16LE(0xffff, 28); // an extra field longer than the whole archive
    const read = readVia(way, bytes, "a/METADATA");
    await expect(read).rejects.toMatchObject({ code: "CORRUPT_ARCHIVE" });
    await expect(read).rejects.toThrow(/file data overflows file bounds/);
  });

  describe.each(WAYS)("every way refuses damage: %s", (way) => {
    it.each([
      ["deflated", true],
      ["stored", false],
    ])("a %s member whose bytes were altered (CRC-32)", async (_, compress) => {
      const bytes = await zipOf(
        [["crc/METADATA", Buffer.from("Name: crc\nSummary: aaaa\n")]],
        compress,
      );
      bytes[30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28) + 2] ^= 0xff;
      await expect(readVia(way, bytes, "crc/METADATA")).rejects.toMatchObject({
        code: "CORRUPT_ARCHIVE",
      });
    });

    it("a member that inflates past its declared size (a bomb)", async () => {
      const bytes = await zipOf([["z/a.py", Buffer.from("a".repeat(9000))]]);
      await expect(
        readVia(way, withDeclaredSize(bytes, "z/a.py", 100), "z/a.py"),
      ).rejects.toMatchObject({ code: "CORRUPT_ARCHIVE" });
    });

    it("a member whose data runs past the end of the archive", async () => {
      const bytes = await zipOf([["z/a.py", Buffer.from("a".repeat(9000))]]);
      const copy = Buffer.from(bytes);
      const at = copy.lastIndexOf(Buffer.from("z/a.py")) - 46 + 20; // compressed size
      copy.writeUInt32LE(copy.length, at);
      await expect(readVia(way, copy, "z/a.py")).rejects.toMatchObject({
        code: "CORRUPT_ARCHIVE",
      });
    });
  });
});

describe.skipIf(!HAS_CORPUS)("openZip on the corpus wheels", () => {
  it("lists and reads METADATA the same from memory and from disk", async () => {
    for (const name of (await readdir(corpusPath("wheels"))).filter((n) => n.endsWith(".whl"))) {
      const path = corpusPath("wheels", name);
      const names = async (zip: Awaited<ReturnType<typeof openZip>>) => {
        const out: string[] = [];
        await zip.walk((n) => out.push(n) < 0);
        return out;
      };
      const memory = await openZip(await readFile(path), name);
      const disk = await openZip(path, name, 0);
      const memoryNames = await names(memory);
      expect(await names(disk)).toEqual(memoryNames);
      const metadata = memoryNames.find((n) => n.endsWith(".dist-info/METADATA"))!;
      expect(await memory.read(metadata)).toEqual(await disk.read(metadata));
      disk.close();
    }
  });
});
