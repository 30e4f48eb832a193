import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createMetadataFetcher,
  type MetadataTarget,
} from "../../../src/mirror/upstream/metadata.js";
import { TAIL_BYTES } from "../../../src/mirror/upstream/range-zip.js";
import { type FakeIndex, startFakeIndex } from "../../helpers/fake-index.js";
import {
  type BuiltDistribution,
  buildSdist,
  buildWheel,
  writeDistributions,
} from "../../helpers/wheels.js";
import { noise, testClient } from "./helpers.js";

let index: FakeIndex;
let small: BuiltDistribution;
let big: BuiltDistribution;
let bigOther: BuiltDistribution;
let tampered: BuiltDistribution;
let sdist: BuiltDistribution;
let legacySdist: BuiltDistribution;
let dir: string;

const REQS = ["requests>=2", 'tomli; python_version < "3.11"'];

beforeAll(async () => {
  small = await buildWheel({ name: "theta", version: "1.0", requiresDist: REQS });
  const payload = { "theta/blob.bin": noise(2 * 1024 * 1024) };
  big = await buildWheel({ name: "theta", version: "2.0", requiresDist: REQS, files: payload });
  bigOther = await buildWheel({
    name: "theta",
    version: "3.0",
    requiresDist: REQS,
    files: payload,
  });
  tampered = await buildWheel({ name: "theta", version: "4.0" });
  sdist = await buildSdist({
    name: "theta",
    version: "5.0",
    requiresDist: REQS,
    pyproject:
      '[build-system]\nrequires = ["hatchling>=1.20"]\nbuild-backend = "hatchling.build"\n',
  });
  legacySdist = await buildSdist({ name: "theta", version: "6.0" });
  index = await startFakeIndex({
    projects: {
      theta: [
        { dist: small },
        { dist: big, metadata: false },
        { dist: bigOther, metadata: false },
        { dist: tampered, tamperMetadata: true },
        { dist: sdist },
        { dist: legacySdist },
      ],
    },
  });
  dir = await mkdtemp(join(tmpdir(), "wh-metadata-"));
});
afterAll(async () => {
  await index.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  index.options.range = true;
});

function target(dist: BuiltDistribution, coreMetadata: MetadataTarget["coreMetadata"] = false) {
  return {
    filename: dist.filename,
    url: `${index.origin}/files/${dist.filename}`,
    sha256: dist.sha256,
    size: dist.bytes.length,
    coreMetadata,
  };
}

const sha = (text: string) =>
  import("node:crypto").then((c) => c.createHash("sha256").update(text).digest("hex"));

describe("fetchMetadata", () => {
  it("uses the PEP 658 file when advertised, never the wheel", async () => {
    const fetcher = createMetadataFetcher({ http: testClient() });
    const got = await fetcher.fetchMetadata(target(small, { sha256: await sha(small.metadata) }));
    expect(got.via).toBe("pep658");
    expect(got.metadataBytes.toString()).toBe(small.metadata);
    expect(got.metadata.requiresDist).toEqual(REQS);
    expect(index.count(`/files/${small.filename}`)).toBe(0);
    // cached for the run
    await fetcher.fetchMetadata(target(small, { sha256: await sha(small.metadata) }));
    expect(index.count(`/files/${small.filename}.metadata`)).toBe(1);
  });

  it("refuses a .metadata whose hash does not match", async () => {
    const fetcher = createMetadataFetcher({ http: testClient() });
    const error = await fetcher
      .fetchMetadata(target(tampered, { sha256: await sha(tampered.metadata) }))
      .catch((e) => e);
    expect(error.code).toBe("HASH_MISMATCH");
    expect(error.message).toContain(
      `core metadata of "${tampered.filename}" from "${index.origin}/files/${tampered.filename}.metadata" has sha256 `,
    );
  });

  it("reads a wheel's METADATA with Range requests, fetching a small part of it", async () => {
    const fetcher = createMetadataFetcher({ http: testClient() });
    const got = await fetcher.fetchMetadata(target(big));
    expect(got.via).toBe("range");
    expect(got.metadata.version).toBe("2.0");
    expect(got.metadata.requiresDist).toEqual(REQS);
    const sent = index.bytes(`/files/${big.filename}`);
    expect(big.bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(sent).toBeLessThanOrEqual(TAIL_BYTES + 64 * 1024);
    expect(sent).toBeLessThan(big.bytes.length / 10);
  });

  it("falls back to the whole file when the server ignores Range, and remembers that", async () => {
    index.options.range = false;
    const fetcher = createMetadataFetcher({ http: testClient() });
    const got = await fetcher.fetchMetadata(target(bigOther));
    expect(got.via).toBe("download");
    expect(got.metadata.version).toBe("3.0");
    const probes = index.log.filter(
      (r) => r.path === `/files/${bigOther.filename}` && r.headers.range,
    );
    expect(probes).toHaveLength(1);
    // the next wheel from the same origin skips the probe
    const before = index.log.length;
    await fetcher.fetchMetadata({ ...target(big), sha256: big.sha256 });
    expect(index.log.slice(before).filter((r) => r.headers.range)).toHaveLength(0);
  });

  it("downloads an sdist whole and learns its build requirements", async () => {
    const fetcher = createMetadataFetcher({ http: testClient() });
    const got = await fetcher.fetchMetadata(target(sdist));
    expect(got.via).toBe("download");
    expect(got.metadata.requiresDist).toEqual(REQS);
    expect(await fetcher.fetchBuildRequires(target(sdist))).toEqual(["hatchling>=1.20"]);
    expect(index.count(`/files/${sdist.filename}`)).toBe(1);
    expect(await fetcher.fetchBuildRequires(target(legacySdist))).toBeUndefined();
  });

  it("checks the hash of a whole download", async () => {
    const fetcher = createMetadataFetcher({ http: testClient() });
    const error = await fetcher
      .fetchMetadata({ ...target(sdist), sha256: "a".repeat(64) })
      .catch((e) => e);
    expect(error.code).toBe("HASH_MISMATCH");
  });

  it("reads local files directly", async () => {
    const [path] = await writeDistributions(dir, [small]);
    const fetcher = createMetadataFetcher({ http: testClient() });
    const got = await fetcher.fetchMetadata({
      filename: small.filename,
      url: pathToFileURL(path).href,
      coreMetadata: false,
    });
    expect(got.via).toBe("local");
    expect(got.metadata.name).toBe("theta");
  });

  it("keeps what it learnt in a cache directory keyed by sha256", async () => {
    const cacheDir = join(dir, "cache");
    const first = createMetadataFetcher({ http: testClient(), cacheDir });
    await first.fetchMetadata(target(sdist));
    await first.settle();
    expect((await readdir(cacheDir)).sort()).toEqual([
      `${sdist.sha256}.build.json`,
      `${sdist.sha256}.metadata`,
    ]);
    const before = index.count(`/files/${sdist.filename}`);
    const second = createMetadataFetcher({ http: testClient(), cacheDir });
    const got = await second.fetchMetadata(target(sdist));
    expect(got.via).toBe("disk-cache");
    expect(await second.fetchBuildRequires(target(sdist))).toEqual(["hatchling>=1.20"]);
    expect(index.count(`/files/${sdist.filename}`)).toBe(before);
  });

  it("asks `known` first, and settle(keep) writes only the entries kept", async () => {
    const cacheDir = join(dir, "cache-kept");
    const asked: string[] = [];
    const fetcher = createMetadataFetcher({
      http: testClient(),
      cacheDir,
      known: async (file) => {
        asked.push(file.filename);
        return file.filename === small.filename ? Buffer.from(small.metadata, "latin1") : undefined;
      },
    });
    const before = index.log.length;
    const held = await fetcher.fetchMetadata(target(small));
    expect(held.via).toBe("known");
    expect(held.metadata.name).toBe("theta");
    expect(index.log.length).toBe(before);
    await fetcher.fetchMetadata(target(big));
    await fetcher.fetchMetadata(target(bigOther));
    expect(asked).toEqual([small.filename, big.filename, bigOther.filename]);
    expect(await readdir(cacheDir).catch(() => [])).toEqual([]);
    await fetcher.settle((file) => file.filename !== big.filename);
    expect(await readdir(cacheDir)).toEqual([`${bigOther.sha256}.metadata`]);
  });
});
