import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { openWheel } from "../../../src/mirror/install/wheel-zip.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-wheel-zip-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A zip of `[name, text, unix mode]` members, written to `dir`. */
async function writeZip(name: string, members: [string, string, number][]): Promise<string> {
  const zip = new ZipFile();
  for (const [member, text, mode] of members) zip.addBuffer(Buffer.from(text), member, { mode });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const path = join(dir, name);
  await writeFile(path, Buffer.concat(chunks));
  return path;
}

describe("openWheel", () => {
  it("lists members with what their unix mode says, and reads them at once", async () => {
    const path = await writeZip("modes-1.0-py3-none-any.whl", [
      ["modes/__init__.py", "", 0o100644],
      ["modes/tool", "#!/bin/sh\n", 0o100755],
      ["modes/owner-only", "x", 0o100700],
      ["modes/alias.py", "__init__.py", 0o120777],
      ["modes/dos.txt", "d", 0],
      ["modes/__init__.py", "second", 0o100755],
    ]);
    const wheel = await openWheel(path, "modes-1.0-py3-none-any.whl");
    try {
      // A name listed twice is listed once, at its first place, with its last entry's mode and
      // bytes: pip extracts zipfile's entries in order, so the last one is what stays.
      expect(wheel.entries).toEqual([
        { name: "modes/__init__.py", isSymlink: false, executable: true },
        { name: "modes/tool", isSymlink: false, executable: true },
        { name: "modes/owner-only", isSymlink: false, executable: true },
        { name: "modes/alias.py", isSymlink: true, executable: true },
        { name: "modes/dos.txt", isSymlink: false, executable: false },
      ]);
      expect(wheel.readNow("modes/alias.py")?.toString()).toBe("__init__.py");
      expect(wheel.readNow("modes/__init__.py")?.toString()).toBe("second");
      expect((await wheel.read("modes/tool")).toString()).toBe("#!/bin/sh\n");
    } finally {
      wheel.close();
    }
  });

  it.each([
    ["not a zip", Buffer.from("PK\u0003\u0004 this is not a zip"), "NOT_A_ZIP"],
    [
      "a zip with a truncated directory",
      Buffer.from("PK\x05\x06\0\0\0\0\x05\0\x05\0\0\0\0\0\0\0\0\0\0\0"),
      "CORRUPT_ARCHIVE",
    ],
  ])("refuses %s", async (_, bytes, code) => {
    const path = join(dir, "bad-1.0-py3-none-any.whl");
    await writeFile(path, bytes);
    await expect(openWheel(path, "bad-1.0-py3-none-any.whl")).rejects.toMatchObject({
      code,
      message: expect.stringContaining("bad-1.0-py3-none-any.whl"),
    });
  });
});
