// LocalProvider hands the wheels it opened for their core metadata on to the installer, once
// each; when local files are hashed, only the wheels it hashed in memory (the bytes installed
// must be the bytes hashed).
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalProvider } from "../../../src/mirror/install/sources.js";
import { buildWheel, writeDistributions } from "../../helpers/wheels.js";

let dir: string;
let links: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "wh-sources-"));
  links = join(dir, "links");
  mkdirSync(links);
  const wheels = [
    await buildWheel({ name: "alpha", version: "1.0", requiresDist: ["beta"] }),
    await buildWheel({ name: "beta", version: "2.0" }),
  ];
  await writeDistributions(links, wheels);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function provider(hashLocalFiles = false): LocalProvider {
  return new LocalProvider({ findLinks: [links], downloadDir: dir, hashLocalFiles });
}

describe("LocalProvider's opened wheels", () => {
  it("keeps a wheel read for its metadata and hands it over once", async () => {
    const p = provider();
    const [file] = await p.listFiles("alpha");
    expect((await p.getMetadata(file)).requiresDist.map(String)).toEqual(["beta"]);
    const path = await p.localPath(file);
    const wheel = p.takeOpenWheel(path);
    expect(wheel?.entries.map((e) => e.name)).toContain("alpha-1.0.dist-info/RECORD");
    expect(wheel?.readNow("alpha-1.0.dist-info/METADATA")?.toString()).toContain("Name: alpha");
    expect(p.takeOpenWheel(path)).toBeUndefined();
    wheel?.close();
    p.close();
  });

  it("keeps, when local files are hashed, the very bytes it hashed, and otherwise nothing unread", async () => {
    const hashed = provider(true);
    const [file] = await hashed.listFiles("beta");
    const path = await hashed.localPath(file);
    expect(file.sha256).toBe(createHash("sha256").update(readFileSync(path)).digest("hex"));
    expect(hashed.heldDigest(path)).toBe(file.sha256);
    // The file changing on disk afterwards changes nothing: the bytes read are those hashed.
    const original = readFileSync(path);
    writeFileSync(path, "not the wheel that was hashed");
    try {
      expect((await hashed.getMetadata(file)).version).toBe("2.0");
      const wheel = hashed.takeOpenWheel(path);
      expect(wheel?.sha256()).toBe(file.sha256);
      expect(hashed.heldDigest(path)).toBe(file.sha256); // still: the taker installs those bytes
      wheel?.close();
      hashed.close();
    } finally {
      writeFileSync(path, original);
    }
    const unread = provider();
    const [other] = await unread.listFiles("beta");
    expect(unread.takeOpenWheel(await unread.localPath(other))).toBeUndefined();
  });

  it("close() lets go of the wheels nobody took", async () => {
    const p = provider();
    const [file] = await p.listFiles("beta");
    await p.getMetadata(file);
    p.close();
    expect(p.takeOpenWheel(await p.localPath(file))).toBeUndefined();
  });
});
