// Files streamed to a real socket (@hono/node-server): what app.request() cannot show, such as
// a client that hangs up halfway through a download.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/serve/app.js";
import { listen, type RunningServer } from "../../src/serve/server.js";
import { addPaths } from "../../src/store/add.js";
import { closeStore, openStore, type Store } from "../../src/store/store.js";
import { type BuiltDistribution, buildWheel, writeDistributions } from "../helpers/wheels.js";

const HAS_PROC = existsSync("/proc/self/fd");

describe.skipIf(!HAS_PROC)("files over a real socket", () => {
  let dir: string;
  let store: Store;
  let server: RunningServer;
  let wheel: BuiltDistribution;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wh-serve-files-"));
    // Incompressible and larger than the socket buffers, so the server is still sending when
    // the client hangs up.
    wheel = await buildWheel({
      name: "big",
      version: "1.0",
      files: { "big/blob.bin": randomBytes(4 * 1024 * 1024) },
    });
    await mkdir(join(dir, "in"));
    await writeDistributions(join(dir, "in"), [wheel]);
    store = await openStore(join(dir, "store"));
    expect((await addPaths(store, [join(dir, "in")])).failed).toEqual([]);
    server = await listen(createApp({ store }), "127.0.0.1", 0);
  });

  afterAll(async () => {
    await server?.close();
    closeStore(store);
    await rm(dir, { recursive: true, force: true });
  });

  /** Descriptors of this process open on a blob of the store. */
  const openBlobs = () =>
    readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(join(dir, "store"));
      } catch {
        return false; // closed between readdir and readlink
      }
    }).length;

  /** GET the file, read one chunk, then drop the connection. */
  const abortedDownload = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}/files/${wheel.sha256}/${wheel.filename}`, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", (error) => {
        if (!req.destroyed) reject(error);
      });
      req.end();
    });

  it("closes the blob when the client hangs up mid-file", async () => {
    const before = openBlobs();
    for (let i = 0; i < 5; i++) await abortedDownload();
    let after = openBlobs();
    for (let wait = 0; wait < 50 && after > before; wait++) {
      await new Promise((r) => setTimeout(r, 20));
      after = openBlobs();
    }
    expect(after).toBe(before);
  });
});
