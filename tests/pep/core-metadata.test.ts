import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCoreMetadata, unboundRequiresDist } from "../../src/pep/core-metadata.js";
import { WheelhouseError } from "../../src/pep/errors.js";
import golden from "./golden/core-metadata.json" with { type: "json" };
import { readZipEntries } from "./zip-entries.js";

const corpus = new URL("../../../shared/corpus/", import.meta.url);
const metadataDir = new URL("pypi-org/metadata/", corpus);
const wheelsDir = new URL("wheels/", corpus);

describe("parseCoreMetadata", () => {
  it("reads headers, multi-valued fields and the body", () => {
    const m = parseCoreMetadata(
      [
        "Metadata-Version: 2.4",
        "Name: Foo.Bar",
        "Version: 1.0.post1",
        "Summary: A thing",
        "Requires-Python: >=3.8",
        "License-Expression: MIT OR Apache-2.0",
        "License-File: LICENSE",
        "Requires-Dist: idna>=2",
        'Requires-Dist: pytest; extra == "test"',
        "Provides-Extra: test",
        "Dynamic: Requires-Dist",
        "Classifier: A",
        "Classifier: B",
        "",
        "# Foo",
        "",
        "Body text.",
        "",
      ].join("\r\n"),
    );
    expect(m).toEqual({
      metadataVersion: "2.4",
      name: "Foo.Bar",
      version: "1.0.post1",
      summary: "A thing",
      requiresPython: ">=3.8",
      licenseExpression: "MIT OR Apache-2.0",
      requiresDist: ["idna>=2", 'pytest; extra == "test"'],
      providesExtra: ["test"],
      dynamic: ["Requires-Dist"],
      description: "# Foo\n\nBody text.\n",
      fields: {
        "metadata-version": ["2.4"],
        name: ["Foo.Bar"],
        version: ["1.0.post1"],
        summary: ["A thing"],
        "requires-python": [">=3.8"],
        "license-expression": ["MIT OR Apache-2.0"],
        "license-file": ["LICENSE"],
        "requires-dist": ["idna>=2", 'pytest; extra == "test"'],
        "provides-extra": ["test"],
        dynamic: ["Requires-Dist"],
        classifier: ["A", "B"],
      },
    });
  });

  it.each([
    [
      "pipe convention",
      "Description: first\n       |second\n       |  indented\n       |\n       |last",
      "first\nsecond\n  indented\n\nlast",
    ],
    [
      "distutils 8 spaces",
      "Description: first\n        second\n          indented\n        \n        last",
      "first\nsecond\n  indented\n\nlast",
    ],
    ["tab", "Description: first\n\tsecond", "first\nsecond"],
  ])("unfolds a Description header (%s)", (_, header, expected) => {
    const m = parseCoreMetadata(
      `Metadata-Version: 1.1\nName: a\nVersion: 1\n${header}\nClassifier: X\n`,
    );
    expect(m.description).toBe(expected);
    expect(m.fields.classifier).toEqual(["X"]);
  });

  it.each([
    ["License: MIT\n        line 2\n        line 3", "license", "MIT\nline 2\nline 3"],
    ["Summary: a long\n  summary", "summary", "a long summary"],
    ["Summary:   padded   ", "summary", "padded"],
    ["Summary:", "summary", ""],
  ])("unfolds %j", (header, key, expected) => {
    const m = parseCoreMetadata(`Metadata-Version: 1.0\nName: a\nVersion: 1\n${header}\n`);
    expect((m as unknown as Record<string, string>)[key]).toBe(expected);
  });

  it("prefers the body over a Description header, and keys are case-insensitive", () => {
    const m = parseCoreMetadata(
      "metadata-version: 2.1\nNAME: a\nversion: 1\nDescription: old\n\nnew\n",
    );
    expect(m.description).toBe("new\n");
    expect(m.name).toBe("a");
  });

  it("treats a stray non-header line as the start of the body (as Python's email parser does)", () => {
    const m = parseCoreMetadata(
      "Metadata-Version: 2.1\nName: a\nVersion: 1\nthis is not a header\nmore\n",
    );
    expect(m.description).toBe("this is not a header\nmore\n");
  });

  it("skips a continuation line with no header before it (as Python's email parser does)", () => {
    const m = parseCoreMetadata(" x\nMetadata-Version: 2.1\nName: foo\nVersion: 1.0\n");
    expect([m.name, m.version]).toEqual(["foo", "1.0"]);
  });

  it("tolerates a BOM", () => {
    expect(parseCoreMetadata("\uFEFFMetadata-Version: 2.1\nName: a\nVersion: 1\n").name).toBe("a");
  });

  it.each([
    ["Metadata-Version: 2.1\nName: a\n"],
    ["Name: a\nVersion: 1\n"],
    [""],
    ["Metadata-Version: 2.1\nVersion: 1\nName:\n"],
  ])("rejects %j", (text) => {
    expect(() => parseCoreMetadata(text)).toThrowError(WheelhouseError);
    try {
      parseCoreMetadata(text);
    } catch (e) {
      expect((e as WheelhouseError).code).toBe("INVALID_METADATA");
    }
  });

  it("names what is missing and quotes what is there", () => {
    expect(() =>
      parseCoreMetadata("Metadata-Version: 2.1\nName: foo\nSummary: x\n"),
    ).toThrowErrorMatchingInlineSnapshot(
      `[WheelhouseError: core metadata is invalid: it has no Version field (it starts with "metadata-version: 2.1, name: foo, summary: x")]`,
    );
  });
});

const golden61 = golden as Record<string, Record<string, unknown>>;

describe.skipIf(!existsSync(metadataDir))("parseCoreMetadata on the corpus .metadata files", () => {
  const files = existsSync(metadataDir)
    ? readdirSync(metadataDir, { recursive: true, encoding: "utf8" }).filter((f) =>
        f.endsWith(".metadata"),
      )
    : [];

  it("finds all 61 files", () => {
    expect(files.length).toBe(61);
  });

  it.each(files)("%s parses like python's packaging and matches its filename", (file) => {
    const m = parseCoreMetadata(readFileSync(new URL(file, metadataDir), "utf8"));
    const stem = file.replace(/^.*\//, "").replace(/\.whl\.metadata$/, "");
    const fold = (s: string) => s.toLowerCase().replace(/[-_.]+/g, "-");
    expect(fold(stem).startsWith(`${fold(m.name)}-${fold(m.version)}-`)).toBe(true);
    const expected = golden61[file];
    expect({
      metadataVersion: m.metadataVersion,
      name: m.name,
      version: m.version,
      requiresDist: m.requiresDist,
      providesExtra: m.providesExtra,
      requiresPython: m.requiresPython ?? null,
      summary: m.summary ?? null,
      classifiers: m.fields.classifier ?? [],
    }).toEqual({ ...expected, description: undefined });
    if (typeof expected.description === "string" && !expected.description.includes("\n       |")) {
      expect(m.description?.trim()).toBe(expected.description.trim());
    }
  });
});

describe.skipIf(!existsSync(wheelsDir))("parseCoreMetadata on corpus wheels", () => {
  it.each([
    ["requests-2.34.2-py3-none-any.whl", "requests", "2.34.2"],
    ["pydantic-2.13.5-py3-none-any.whl", "pydantic", "2.13.5"],
  ])("reads the METADATA of %s", async (wheel, name, version) => {
    const path = fileURLToPath(new URL(wheel, wheelsDir));
    const entries = await readZipEntries(path);
    const text = entries.get(`${name}-${version}.dist-info/METADATA`)!.toString("utf8");
    const m = parseCoreMetadata(text);
    expect([m.name, m.version]).toEqual([name, version]);
    expect(m.requiresDist.length).toBeGreaterThan(0);
    expect(m.description?.length).toBeGreaterThan(100);
  });
});

describe("unboundRequiresDist (PEP 643)", () => {
  it.each([
    ["1.2", "", "Metadata-Version 1.2, older than 2.2"],
    ["2.1", "", "Metadata-Version 2.1, older than 2.2"],
    ["2.2", "Dynamic: requires-dist\n", "Requires-Dist marked Dynamic"],
    ["2.2", "Dynamic: Summary\n", undefined],
    ["2.4", "", undefined],
  ])("Metadata-Version %s %j", (version, extra, why) => {
    const metadata = parseCoreMetadata(
      `Metadata-Version: ${version}\nName: a\nVersion: 1\n${extra}`,
    );
    expect(unboundRequiresDist(metadata)).toBe(why);
  });
});
