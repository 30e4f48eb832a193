// The plain-line progress of sync (stderr off a terminal): what its download line says of sizes.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createSyncProgress } from "../../src/cmd/sync-progress.js";
import type { PlannedFile } from "../../src/mirror/sync/types.js";

function planned(filename: string, size?: number): PlannedFile {
  return {
    file: { filename, url: `https://x.invalid/${filename}`, yanked: false, source: "t", size },
    project: "p",
    version: "1.0",
    targets: ["t"],
    state: "missing",
  };
}

function downloadLine(files: PlannedFile[]): string {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const bytes = files.reduce((sum, p) => sum + (p.file.size ?? 0), 0);
  createSyncProgress(stream as unknown as NodeJS.WriteStream).onDownloadStart?.(files, bytes);
  return text.trim();
}

describe("sync's download line", () => {
  it.each([
    [[planned("a-1.0.tar.gz")], "downloading 1 file"],
    [
      [planned("a-1.0.tar.gz", 2048), planned("b-1.0.tar.gz", 2048)],
      "downloading 2 files (4.1 kB)",
    ],
    [
      [planned("a-1.0.tar.gz", 2048), planned("b-1.0.tar.gz")],
      "downloading 2 files (at least 2.0 kB)",
    ],
  ])("%#: says what is known of the sizes", (files, line) => {
    expect(downloadLine(files)).toBe(line);
  });
});
