import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openZip } from "../../src/store/zip-reader.js";
import { corpusPath, HAS_CORPUS } from "../helpers/corpus.js";
import { buildWheel } from "../helpers/wheels.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-zip-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function both(path: string): Promise<[string[], string[]]> {
  const memory = await openZip(path, "x.whl");
  const yauzl = await openZip(path, "x.whl", 0);
  try {
    return [memory.names, yauzl.names];
  } finally {
    memory.close();
    yauzl.close();
  }
}

describe("openZip: the in-memory reader and yauzl agree", () => {
  it("on a generated wheel, member by member", async () => {
    const wheel = await buildWheel({
      name: "z",
      version: "1",
      files: { "z/a.py": "a".repeat(9000) },
    });
    const path = join(dir, wheel.filename);
    await writeFile(path, wheel.bytes);
    const [memoryNames, yauzlNames] = await both(path);
    expect(memoryNames).toEqual(yauzlNames);
    const memory = await openZip(path, "x.whl");
    const yauzl = await openZip(path, "x.whl", 0);
    for (const name of memoryNames) expect(await memory.read(name)).toEqual(await yauzl.read(name));
    yauzl.close();
  });

  it("refuses a member whose bytes were altered (CRC-32)", async () => {
    const wheel = await buildWheel({ name: "crc", version: "1", metadataLines: ["Summary: aaaa"] });
    const bytes = Buffer.from(wheel.bytes);
    // METADATA is stored deflated; flip one byte inside its data
    const at = bytes.indexOf(Buffer.from("crc-1.dist-info/METADATA")) + 30;
    bytes[at] ^= 0xff;
    const zip = await openZip(bytes, "crc-1-py3-none-any.whl");
    await expect(zip.read("crc-1.dist-info/METADATA")).rejects.toMatchObject({
      code: "CORRUPT_ARCHIVE",
    });
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
    await expect(openZip(bytes, "bad.whl")).rejects.toMatchObject({ code });
  });
});

describe.skipIf(!HAS_CORPUS)("openZip on the corpus wheels", () => {
  it("lists the same members as yauzl and reads METADATA identically", async () => {
    for (const name of (await readdir(corpusPath("wheels"))).filter((n) => n.endsWith(".whl"))) {
      const path = corpusPath("wheels", name);
      const [memoryNames, yauzlNames] = await both(path);
      expect(memoryNames).toEqual(yauzlNames);
      const metadata = memoryNames.find((n) => n.endsWith(".dist-info/METADATA"))!;
      const memory = await openZip(await readFile(path), name);
      const yauzl = await openZip(path, name, 0);
      expect(await memory.read(metadata)).toEqual(await yauzl.read(metadata));
      yauzl.close();
    }
  });
});
