import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { WheelhouseError } from "../../src/pep/errors.js";
import { inspectDistribution } from "../../src/store/inspect.js";
import { decodeBzip2 } from "../../src/store/seek-bzip.js";
import { corpusPath, HAS_CORPUS } from "../helpers/corpus.js";
import { buildSdist, buildWheel } from "../helpers/wheels.js";

const GOLDEN = fileURLToPath(new URL("./golden/", import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-inspect-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(filename: string, bytes: Buffer | string): Promise<string> {
  const path = join(dir, filename);
  await writeFile(path, bytes);
  return path;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(WheelhouseError);
    return (error as WheelhouseError).code;
  }
}

describe("inspectDistribution", () => {
  it("reads a wheel's METADATA bytes exactly, with its tags", async () => {
    const wheel = await buildWheel({
      name: "Foo.Bar",
      version: "1.0",
      tags: "py2.py3-none-any",
      requiresPython: ">=3.8",
      requiresDist: ["idna"],
    });
    const got = await inspectDistribution(await write(wheel.filename, wheel.bytes));
    expect(got).toMatchObject({
      filename: "foo_bar-1.0-py2.py3-none-any.whl",
      kind: "wheel",
      name: "foo-bar",
      displayName: "Foo.Bar",
      version: "1.0",
      tags: ["py2-none-any", "py3-none-any"],
    });
    expect(got.metadataBytes.toString()).toBe(wheel.metadata);
    expect(got.metadata.requiresDist).toEqual(["idna"]);
    expect(got.buildRequires).toBeUndefined();
  });

  it("takes the filename from the argument when the path is a temp name", async () => {
    const wheel = await buildWheel({ name: "tmpname", version: "2.0" });
    const path = await write("0123.part", wheel.bytes);
    expect((await inspectDistribution(path, wheel.filename)).name).toBe("tmpname");
  });

  it("reads an sdist's top-level PKG-INFO and [build-system].requires", async () => {
    const sdist = await buildSdist({
      name: "sd",
      version: "0.1",
      pyproject: '[build-system]\nrequires = ["hatchling>=1"]\n',
    });
    const got = await inspectDistribution(await write(sdist.filename, sdist.bytes));
    expect(got).toMatchObject({ kind: "sdist", name: "sd", version: "0.1" });
    expect(got.metadataBytes.toString()).toBe(sdist.metadata);
    expect(got.buildRequires).toEqual(["hatchling>=1"]);
    expect(got.tags).toBeUndefined();
  });

  it.each([
    ["no pyproject.toml", undefined],
    ["no [build-system] table", '[project]\nname = "sd"\n'],
    ["invalid TOML", "[build-system\n"],
  ])("leaves buildRequires undefined with %s", async (_, pyproject) => {
    const sdist = await buildSdist({ name: "nobs", version: "1", pyproject });
    const got = await inspectDistribution(await write(sdist.filename, sdist.bytes));
    expect(got.buildRequires).toBeUndefined();
  });

  it.each([
    ["legacy_pkg-1.0.tar.bz2", ["setuptools>=40", "wheel"]],
    ["legacy_pkg-1.0.zip", undefined],
  ])("reads the legacy sdist %s (top-level PKG-INFO, not the egg-info one)", async (file, req) => {
    const got = await inspectDistribution(join(GOLDEN, file));
    expect(got).toMatchObject({ kind: "sdist", name: "legacy-pkg", displayName: "Legacy.Pkg" });
    expect(got.metadataBytes.toString()).toContain("Summary: a legacy sdist");
    expect(got.buildRequires).toEqual(req);
  });

  it.each([
    ["a .whl that is not a zip", "bad-1.0-py3-none-any.whl", "not a zip at all", "NOT_A_ZIP"],
    ["a .zip sdist that is not a zip", "bad-1.0.zip", "nope", "NOT_A_ZIP"],
    ["a .tar.gz that is not gzip", "bad-1.0.tar.gz", "nope nope nope", "CORRUPT_ARCHIVE"],
    ["a .tar.bz2 that is not bzip2", "bad-1.0.tar.bz2", "nope nope nope", "CORRUPT_ARCHIVE"],
    ["an unknown extension", "bad-1.0.egg", "x", "UNKNOWN_EXTENSION"],
  ])("refuses %s", async (_, filename, content, code) => {
    const path = await write(filename, content);
    expect(await codeOf(inspectDistribution(path))).toBe(code);
    await expect(inspectDistribution(path)).rejects.toThrow(filename);
  });

  it("refuses a wheel without .dist-info/METADATA, naming it", async () => {
    const wheel = await buildWheel({ name: "nometa", version: "1.0", omitMetadata: true });
    const path = await write(wheel.filename, wheel.bytes);
    expect(await codeOf(inspectDistribution(path))).toBe("NO_METADATA");
    await expect(inspectDistribution(path)).rejects.toThrow(wheel.filename);
  });

  it.each([
    ["name", "other-1.0-py3-none-any.whl"],
    ["version", "mism-2.0-py3-none-any.whl"],
  ])("refuses a wheel whose filename %s disagrees with its metadata", async (_, filename) => {
    const wheel = await buildWheel({ name: "mism", version: "1.0" });
    const path = await write(filename, wheel.bytes);
    expect(await codeOf(inspectDistribution(path))).toBe("METADATA_MISMATCH");
    await expect(inspectDistribution(path)).rejects.toThrow(filename);
  });

  it("refuses an sdist whose PKG-INFO disagrees with its filename", async () => {
    const sdist = await buildSdist({ name: "right", version: "1.0" });
    const path = await write("wrong-1.0.tar.gz", sdist.bytes);
    expect(await codeOf(inspectDistribution(path))).toBe("METADATA_MISMATCH");
  });

  it.each([
    ["after another project's dist-info", "mix", "mix-1.0-py3-none-any.whl"],
    ["spelled differently from the filename", "Mix.Pkg", "mix_pkg-1.0-py3-none-any.whl"],
  ])("finds the matching METADATA %s", async (_, name, filename) => {
    const wheel = await buildWheel({
      name,
      version: "1.0",
      files: {
        "other-9.dist-info/METADATA": "Metadata-Version: 2.1\nName: other\nVersion: 9\n",
        "Mix.Pkg-1.0.dist-info/METADATA": `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\n`,
      },
    });
    const path = await write(filename, wheel.bytes);
    expect((await inspectDistribution(path)).displayName).toBe(name);
  });

  it("accepts a version spelled differently but equal after normalization", async () => {
    const wheel = await buildWheel({ name: "Norm_Pkg", version: "1.0.0-RC1" });
    const path = await write("norm.pkg-1.0.0rc1-py3-none-any.whl", wheel.bytes);
    expect(await inspectDistribution(path)).toMatchObject({
      name: "norm-pkg",
      version: "1.0.0rc1",
    });
  });
});

// pip's oracle (23.2, candidates.py _check_metadata_consistency): the link's Version must ==
// the metadata's, e.g. `pip install --dry-run --no-index --find-links DIR foo` installs
// foo-1.0-py3-none-any.whl whose METADATA says "Version: 1.0.0" (reported as 1.0.0).
describe("inspectDistribution compares versions as pip does (PEP 440 ==)", () => {
  it.each([
    ["1.0", "1.0.0", "ok"],
    ["1.0.0", "1", "ok"],
    ["2.0", "2.0.0.0", "ok"],
    ["1.0rc1", "1.0.0-RC1", "ok"],
    ["1.0+abc", "1.0.0+ABC", "ok"],
    ["1.0", "1.0.1", "METADATA_MISMATCH"],
    ["1.0", "1.0+abc", "METADATA_MISMATCH"],
    ["1.0", "1.0.post0", "METADATA_MISMATCH"],
    ["1.0", "not.a.version", "METADATA_MISMATCH"],
  ])("a wheel named %s whose METADATA says %s: %s", async (inName, inMetadata, code) => {
    const wheel = await buildWheel({ name: "vq", version: inMetadata });
    const path = await write(`vq-${inName}-py3-none-any.whl`, wheel.bytes);
    expect(await codeOf(inspectDistribution(path))).toBe(code);
  });

  it("keeps the filename's version, as pip keeps its candidate's", async () => {
    const wheel = await buildWheel({ name: "vk", version: "1.0.0" });
    const got = await inspectDistribution(await write("vk-1.0-py3-none-any.whl", wheel.bytes));
    expect(got).toMatchObject({ version: "1.0", displayName: "vk" });
    expect(got.metadata.version).toBe("1.0.0");
    const sdist = await buildSdist({ name: "vs", version: "2.0.0" });
    const fromSdist = await inspectDistribution(await write("vs-2.0.tar.gz", sdist.bytes));
    expect(fromSdist.version).toBe("2.0");
  });
});

// Oracle: python3 -c 'import zipfile; print(zipfile.ZipFile(W).read("dup-1.0.dist-info/METADATA"))'
// on a zip written with the member twice gives the second (zipfile keeps the last of a name).
describe("inspectDistribution reads a name listed twice as zipfile does", () => {
  it.each([
    ["a wheel", "dup-1.0-py3-none-any.whl", "dup-1.0.dist-info/METADATA"],
    ["a .zip sdist", "dup-1.0.zip", "dup-1.0/PKG-INFO"],
  ])("%s: the last entry", async (_, filename, member) => {
    const zip = new ZipFile();
    for (const summary of ["first", "last"]) {
      zip.addBuffer(
        Buffer.from(`Metadata-Version: 2.1\nName: dup\nVersion: 1.0\nSummary: ${summary}\n`),
        member,
      );
    }
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    const got = await inspectDistribution(await write(filename, Buffer.concat(chunks)));
    expect(got.metadata.summary).toBe("last");
  });
});

describe(".tar.bz2 sdists decode as Python's bz2 does (golden/make-bzip2.py)", () => {
  it.each([
    ["of two bzip2 streams (pbzip2)", "multi_pkg-1.0.tar.bz2", "multi-pkg"],
    ["with bytes after the stream that are not bzip2", "tail_pkg-1.0.tar.bz2", "tail-pkg"],
  ])("reads an sdist %s", async (_, file, name) => {
    const got = await inspectDistribution(join(GOLDEN, file));
    expect(got).toMatchObject({ kind: "sdist", name, version: "1.0" });
    expect(got.buildRequires).toEqual(["flit_core>=3.2"]);
  });

  it("stops decoding at the output limit (a bzip2 bomb)", async () => {
    const zeros = await readFile(join(GOLDEN, "zeros.bz2"));
    const decoded = decodeBzip2(zeros, 16 * 1024 * 1024);
    expect(decoded.equals(Buffer.alloc(16 * 1024 * 1024))).toBe(true);
    expect(() => decodeBzip2(zeros, 1024 * 1024)).toThrow(/more than 1048576 bytes/);
  });
});

describe.skipIf(!HAS_CORPUS)("inspectDistribution on the corpus", () => {
  it.each(["wheels", "build", "sdists"])("reads every file of %s", async (folder) => {
    const names = (await readdir(corpusPath(folder))).filter((n) => !n.endsWith(".txt"));
    for (const name of names) {
      const got = await inspectDistribution(corpusPath(folder, name));
      expect(got.metadataBytes.length).toBeGreaterThan(0);
    }
  });
});
