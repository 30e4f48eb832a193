// Shared fixtures of the sync tests: generated closures (pure, platform-specific, sdist with
// build requirements), the corpus wheels as fake-index files, and a fresh store per test.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspectDistribution } from "../../../src/store/inspect.js";
import { closeStore, openStore, type Store } from "../../../src/store/store.js";
import { corpusPath } from "../../helpers/corpus.js";
import type { FakeFile } from "../../helpers/fake-index.js";
import { type BuiltDistribution, buildSdist, buildWheel } from "../../helpers/wheels.js";
import { noise } from "../upstream/helpers.js";

/**
 * A fresh empty store in a temp directory; with `cleanup` (a test file's afterAll list), closed
 * and removed there.
 */
export async function freshStore(
  cleanup?: (() => Promise<void>)[],
): Promise<{ store: Store; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "wh-sync-"));
  const store = await openStore(join(dir, "store"));
  cleanup?.push(async () => {
    closeStore(store);
    await rm(dir, { recursive: true, force: true });
  });
  return { store, dir };
}

/** The three targets of the multi-target proofs. */
export const THREE_TARGETS = [
  "cp311-manylinux_2_28_x86_64",
  "cp312-win_amd64",
  "cp313-macosx_14_0_arm64",
];

const PLATFORMS: Record<string, string> = {
  "cp311-manylinux_2_28_x86_64": "cp311-cp311-manylinux_2_17_x86_64",
  "cp312-win_amd64": "cp312-cp312-win_amd64",
  "cp313-macosx_14_0_arm64": "cp313-cp313-macosx_11_0_arm64",
};

/**
 * A generated upstream: `app` needs `core` (a binary wheel per platform), `util` (pure), and on
 * Windows only `winshim`; `tool` is sdist-only and needs `buildkit` to build.
 */
export async function generatedProjects(): Promise<Record<string, FakeFile[]>> {
  const big = { "app/data.bin": noise(64 * 1024, 7) };
  const core = await Promise.all(
    Object.values(PLATFORMS).map((tags) =>
      buildWheel({ name: "core", version: "2.0", tags, files: { "core/x.bin": noise(20_000, 3) } }),
    ),
  );
  return {
    app: [
      {
        dist: await buildWheel({
          name: "app",
          version: "1.0",
          requiresDist: ["core>=2", "util", 'winshim; sys_platform == "win32"'],
          files: big,
        }),
      },
      { dist: await buildWheel({ name: "app", version: "0.9", requiresDist: ["core"] }) },
    ],
    core: [
      ...core.map((dist, i) => ({ dist, metadata: i % 2 === 0 })),
      { dist: await buildWheel({ name: "core", version: "1.0" }) },
    ],
    util: [
      { dist: await buildWheel({ name: "util", version: "3.1", requiresPython: ">=3.8" }) },
      { dist: await buildWheel({ name: "util", version: "3.0" }), metadata: false },
    ],
    winshim: [{ dist: await buildWheel({ name: "winshim", version: "0.1" }) }],
    tool: [
      {
        dist: await buildSdist({
          name: "tool",
          version: "1.2",
          pyproject: '[build-system]\nrequires = ["buildkit>=1"]\nbuild-backend = "buildkit.api"\n',
        }),
      },
    ],
    buildkit: [{ dist: await buildWheel({ name: "buildkit", version: "1.5" }) }],
  };
}

/** The corpus wheels as fake-index files (canonical project -> files), `.metadata` on every other. */
export async function corpusProjects(): Promise<Record<string, FakeFile[]>> {
  const dir = corpusPath("wheels");
  const out: Record<string, FakeFile[]> = {};
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".whl"))
    .sort();
  for (const [i, filename] of names.entries()) {
    const path = join(dir, filename);
    const bytes = readFileSync(path);
    const inspected = await inspectDistribution(path, filename);
    const dist: BuiltDistribution = {
      filename,
      bytes,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      metadata: inspected.metadataBytes.toString("utf8"),
    };
    out[inspected.name] = [...(out[inspected.name] ?? []), { dist, metadata: i % 2 === 0 }];
  }
  return out;
}
