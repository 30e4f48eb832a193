import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WheelhouseError } from "../../src/pep/errors.js";
import { inspectDistribution } from "../../src/store/inspect.js";
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

describe.skipIf(!HAS_CORPUS)("inspectDistribution on the corpus", () => {
  it.each(["wheels", "build", "sdists"])("reads every file of %s", async (folder) => {
    const names = (await readdir(corpusPath(folder))).filter((n) => !n.endsWith(".txt"));
    for (const name of names) {
      const got = await inspectDistribution(corpusPath(folder, name));
      expect(got.metadataBytes.length).toBeGreaterThan(0);
    }
  });
});
