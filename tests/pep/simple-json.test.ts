import { describe, expect, it } from "vitest";
import { WheelhouseError } from "../../src/pep/errors.js";
import {
  parseProjectJson,
  parseProjectListJson,
  renderProjectJson,
  renderProjectListJson,
} from "../../src/pep/simple-json.js";

const PAGE = "https://example.org/simple/holygrail/";

function page(files: object[], extra: object = {}): string {
  return JSON.stringify({ meta: { "api-version": "1.1" }, name: "holygrail", files, ...extra });
}

const BASE_FILE = {
  filename: "holygrail-1.0.tar.gz",
  url: "https://example.com/files/holygrail-1.0.tar.gz",
  hashes: { sha256: "AB12" },
};

describe("parseProjectJson", () => {
  it("reads the PEP 691 example with PEP 700 fields", () => {
    const text = page(
      [
        { ...BASE_FILE, "requires-python": ">=3.7", yanked: "Had a vulnerability", size: 12 },
        {
          filename: "holygrail-1.0-py3-none-any.whl",
          url: "../../files/holygrail-1.0-py3-none-any.whl#sha256=ignored",
          hashes: { SHA256: "ff", blake2b: "00" },
          "dist-info-metadata": true,
          "upload-time": "2022-01-01T00:00:00.000001Z",
          "gpg-sig": false,
          provenance: null,
          _private: 1,
        },
      ],
      { versions: ["1.0"], meta: { "api-version": "1.1", "_last-serial": 42 } },
    );
    expect(parseProjectJson(text, PAGE)).toEqual({
      name: "holygrail",
      apiVersion: "1.1",
      lastSerial: 42,
      versions: ["1.0"],
      files: [
        {
          ...BASE_FILE,
          hashes: { sha256: "ab12" },
          requiresPython: ">=3.7",
          yanked: "Had a vulnerability",
          coreMetadata: false,
          size: 12,
        },
        {
          filename: "holygrail-1.0-py3-none-any.whl",
          url: "https://example.org/files/holygrail-1.0-py3-none-any.whl",
          hashes: { sha256: "ff", blake2b: "00" },
          yanked: false,
          coreMetadata: {},
          uploadTime: "2022-01-01T00:00:00.000001Z",
          gpgSig: false,
          provenance: null,
        },
      ],
    });
  });

  const yanked: [unknown, false | string][] = [
    [undefined, false],
    [false, false],
    [true, ""],
    ["", false], // falsy, as Python and pip read it
    ["reason", "reason"],
  ];
  it.each(yanked)("yanked %j -> %j", (value, expected) => {
    const [file] = parseProjectJson(page([{ ...BASE_FILE, yanked: value }]), PAGE).files;
    expect(file.yanked).toBe(expected);
  });

  const metadata: [object, false | Record<string, string>][] = [
    [{}, false],
    [{ "core-metadata": false }, false],
    [{ "core-metadata": true }, {}],
    [{ "core-metadata": { sha256: "AA" } }, { sha256: "aa" }],
    [{ "dist-info-metadata": { sha256: "bb" } }, { sha256: "bb" }],
    [{ "data-dist-info-metadata": { sha256: "cc" } }, { sha256: "cc" }],
    [{ "data-dist-info-metadata": true }, {}],
    // PEP 714: core-metadata wins over the legacy names, even when false.
    [{ "core-metadata": false, "data-dist-info-metadata": { sha256: "cc" } }, false],
    [
      { "core-metadata": { sha256: "aa" }, "dist-info-metadata": { sha256: "bb" } },
      { sha256: "aa" },
    ],
  ];
  it.each(metadata)("core metadata keys %j -> %j", (keys, expected) => {
    const [file] = parseProjectJson(page([{ ...BASE_FILE, ...keys }]), PAGE).files;
    expect(file.coreMetadata).toEqual(expected);
  });

  it("reads a hash from the file URL's fragment too; the hashes object wins", () => {
    const a = "ab".repeat(32);
    const b = "cd".repeat(32);
    const [f] = parseProjectJson(
      page([{ ...BASE_FILE, url: `f-1.0.tar.gz#sha256=${a}&md5=${"0".repeat(32)}`, hashes: {} }]),
      PAGE,
    ).files;
    expect(f.hashes).toEqual({ sha256: a, md5: "0".repeat(32) });
    expect(f.url).not.toContain("#");
    const [g] = parseProjectJson(
      page([{ ...BASE_FILE, url: `f-1.0.tar.gz#sha256=${a}`, hashes: { sha256: b } }]),
      PAGE,
    ).files;
    expect(g.hashes.sha256).toBe(b);
  });

  it("assumes api-version 1.0 without meta and refuses major version 2", () => {
    expect(parseProjectJson(JSON.stringify({ name: "x", files: [] }), PAGE).apiVersion).toBe("1.0");
    expect(() =>
      parseProjectJson(
        JSON.stringify({ meta: { "api-version": "2.0" }, name: "x", files: [] }),
        PAGE,
      ),
    ).toThrowError(expect.objectContaining({ code: "UNSUPPORTED_API_VERSION" }));
  });

  const invalid: [string, string][] = [
    ["not json", "it is not JSON"],
    ["[]", "it is not a JSON object"],
    [JSON.stringify({ files: [] }), `"name" is missing`],
    [JSON.stringify({ name: "x" }), `"files" is not an array`],
    [page([{ url: "x" }]), "files[0].filename is not a non-empty string"],
    [page([{ filename: "x" }]), "files[0].url is not a string"],
    [page([{ ...BASE_FILE, hashes: [] }]), "files[0].hashes is not an object"],
    [page([{ ...BASE_FILE, hashes: { sha256: 1 } }]), "files[0].hashes.sha256 is not a string"],
    [page([{ ...BASE_FILE, size: -1 }]), "files[0].size is not a non-negative integer"],
    [page([{ ...BASE_FILE, "requires-python": 3 }]), "files[0].requires-python is not a string"],
    [page([{ ...BASE_FILE, url: "http://[::1" }]), `files[0].url "http://[::1" is not a URL`],
    [page([], { versions: [1] }), `"versions" is not an array of strings`],
  ];
  it.each(invalid)("refuses %s", (text, problem) => {
    try {
      parseProjectJson(text, PAGE);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WheelhouseError);
      expect((error as WheelhouseError).code).toBe("INVALID_PROJECT_PAGE");
      expect((error as Error).message).toContain(
        `simple API page "${PAGE}" is invalid: ${problem}`,
      );
    }
  });
});

describe("renderProjectJson", () => {
  it("renders keys in a fixed order, optional keys only when set, yanked without reason as true", () => {
    const text = renderProjectJson({
      name: "holygrail",
      apiVersion: "1.1",
      versions: ["1.0"],
      files: [
        {
          filename: "holygrail-1.0.tar.gz",
          url: "https://example.com/holygrail-1.0.tar.gz",
          hashes: { sha256: "ab", md5: "cd" },
          yanked: "",
          coreMetadata: false,
          size: 3,
        },
        {
          filename: "holygrail-1.0-py3-none-any.whl",
          url: "https://example.com/holygrail-1.0-py3-none-any.whl",
          hashes: { sha256: "ef" },
          requiresPython: "<4,>=3.8",
          yanked: false,
          coreMetadata: { sha256: "12" },
          size: 4,
          uploadTime: "2024-01-01T00:00:00Z",
        },
      ],
    });
    expect(text).toBe(
      JSON.stringify({
        meta: { "api-version": "1.1" },
        name: "holygrail",
        versions: ["1.0"],
        files: [
          {
            filename: "holygrail-1.0.tar.gz",
            url: "https://example.com/holygrail-1.0.tar.gz",
            hashes: { md5: "cd", sha256: "ab" },
            yanked: true,
            size: 3,
          },
          {
            filename: "holygrail-1.0-py3-none-any.whl",
            url: "https://example.com/holygrail-1.0-py3-none-any.whl",
            hashes: { sha256: "ef" },
            "requires-python": "<4,>=3.8",
            yanked: false,
            size: 4,
            "upload-time": "2024-01-01T00:00:00Z",
            "core-metadata": { sha256: "12" },
          },
        ],
      }),
    );
  });
});

describe("project list JSON", () => {
  it("round-trips names as given, in order", () => {
    const list = { apiVersion: "1.1", projects: [{ name: "Frob" }, { name: "spam-spam" }] };
    const text = renderProjectListJson(list);
    expect(text).toBe(
      '{"meta":{"api-version":"1.1"},"projects":[{"name":"Frob"},{"name":"spam-spam"}]}',
    );
    expect(parseProjectListJson(text)).toEqual(list);
  });

  it.each([
    ["{}", `"projects" is not an array`],
    ['{"projects":[{}]}', "projects[0].name is not a string"],
    ["nope", "it is not JSON"],
  ])("refuses %s", (text, problem) => {
    expect(() => parseProjectListJson(text)).toThrowError(problem);
    expect(() => parseProjectListJson(text)).toThrowError(
      expect.objectContaining({ code: "INVALID_PROJECT_LIST" }),
    );
  });
});
