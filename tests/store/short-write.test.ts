// A write the disk takes only in part (here: a file-size limit, `ulimit -f`) must fail the
// staging, never leave a row pointing at a cut-off blob. Runs in a child process so the limit
// applies to it alone; Node ignores SIGXFSZ, so the short write shows up as a byte count.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../helpers/cli.js";
import { buildWheel } from "../helpers/wheels.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-short-write-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a short write", () => {
  // The bytes as one Buffer, and as a download's chunks (ChunkedBytes, written with writev).
  it.each([
    ["one buffer", "bytes"],
    [
      "chunks",
      `new ChunkedBytes(Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536)))`,
    ],
  ])(
    "fails staging with STORE_WRITE_FAILED naming the file, and nothing is committed (%s)",
    async (_, source) => {
      const wheel = await buildWheel({
        name: "big",
        version: "1.0",
        files: { "big/data.bin": randomBytes(8 << 20) },
      });
      const path = join(dir, wheel.filename);
      await writeFile(path, wheel.bytes);
      const store = join(dir, `store-${source.length}`);
      const entry = new URL("../../dist/store/index.js", import.meta.url).href;
      const chunked = new URL("../../dist/store/chunked-bytes.js", import.meta.url).href;
      const script = `
      const { openStore, closeStore, stageDistribution, listFiles } = await import(${JSON.stringify(entry)});
      const { ChunkedBytes } = await import(${JSON.stringify(chunked)});
      const { readFileSync } = await import("node:fs");
      const store = await openStore(${JSON.stringify(store)});
      const bytes = readFileSync(${JSON.stringify(path)});
      try {
        await stageDistribution(store, ${source}, { filename: ${JSON.stringify(wheel.filename)} });
        console.log("staged");
      } catch (e) {
        console.log(e.code + ": " + e.message);
      }
      console.log("rows " + listFiles(store, "big").length);
      closeStore(store);
    `;
      // 4096 blocks of 512 bytes: 2 MiB, well under the 8 MiB wheel.
      const ran = await runProcess("sh", [
        "-c",
        `ulimit -f 4096 && exec "${process.execPath}" --input-type=module -e '${script.replace(/'/g, "'\\''")}'`,
      ]);
      expect(ran.stdout, ran.stderr).toMatch(
        /^STORE_WRITE_FAILED: "big-1\.0-py3-none-any\.whl" could not be written/m,
      );
      expect(ran.stdout).toContain("rows 0");
    },
  );
});
