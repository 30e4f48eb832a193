import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WheelhouseError } from "../../src/pep/errors.js";
import {
  formatRecord,
  parseRecord,
  type RecordEntry,
  recordDigest,
  recordHexDigest,
} from "../../src/pep/record.js";
import { readZipEntries } from "./zip-entries.js";

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const EMPTY_RECORD = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";

describe("parseRecord", () => {
  it.each<[string, string, RecordEntry[]]>([
    [
      "plain rows",
      `foo/__init__.py,sha256=${EMPTY_RECORD},0\nfoo-1.0.dist-info/RECORD,,\n`,
      [
        { path: "foo/__init__.py", hash: { algorithm: "sha256", digest: EMPTY_RECORD }, size: 0 },
        { path: "foo-1.0.dist-info/RECORD" },
      ],
    ],
    [
      "quoted path with a comma and a quote, CRLF, blank lines",
      '"a,b/c""d.py",sha512=xyz,12\r\n\r\nx.py,,\r\n',
      [
        { path: 'a,b/c"d.py', hash: { algorithm: "sha512", digest: "xyz" }, size: 12 },
        { path: "x.py" },
      ],
    ],
    ["missing trailing fields", "x.py\n", [{ path: "x.py" }]],
    ["no final newline", "x.py,,", [{ path: "x.py" }]],
    ["quoted newline in a path", '"a\nb",,\n', [{ path: "a\nb" }]],
    // As Python's csv reads them: text after a closing quote is kept, a quote inside is literal.
    ["text after a closing quote", '"a"b,,\n', [{ path: "ab" }]],
    ["a quote inside an unquoted path", 'a"b,,\n', [{ path: 'a"b' }]],
    ["empty text", "", []],
  ])("%s", (_, text, expected) => {
    expect(parseRecord(text)).toEqual(expected);
  });

  it.each([
    ["a,b,c,d\n", "it has 4 fields, expected 3"],
    [",sha256=x,1\n", "the path is empty"],
    ["a,sha256,1\n", 'the hash "sha256" is not algorithm=digest'],
    ["a,=x,1\n", 'the hash "=x" is not algorithm=digest'],
    ["a,,12kB\n", 'the size "12kB" is not a number of bytes'],
    ['ok,,\n"never closed,,\n', "a quoted field is never closed"],
    // The row after a path with a newline in it starts on line 3.
    ['"a\nb",,\nc,,x\n', 'RECORD line 3 "c,,x" is invalid: the size "x"'],
  ])("rejects %j", (text, why) => {
    let error: unknown;
    try {
      parseRecord(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WheelhouseError);
    expect((error as WheelhouseError).code).toBe("INVALID_RECORD");
    expect((error as WheelhouseError).message).toContain(why);
  });

  it("names the line in errors", () => {
    expect(() => parseRecord("a.py,,\nb.py,,\nc.py,,x\n")).toThrowErrorMatchingInlineSnapshot(
      `[WheelhouseError: RECORD line 3 "c.py,,x" is invalid: the size "x" is not a number of bytes]`,
    );
  });
});

describe("formatRecord", () => {
  it("quotes only when needed, like Python's csv module", () => {
    expect(
      formatRecord([
        { path: "a.py", hash: { algorithm: "sha256", digest: EMPTY_RECORD }, size: 0 },
        { path: "a,b.py" },
        { path: 'q"uote.py', size: 3 },
        { path: "has space.py" },
        { path: "RECORD" },
      ]),
    ).toBe(
      `a.py,sha256=${EMPTY_RECORD},0\n"a,b.py",,\n"q""uote.py",,3\nhas space.py,,\nRECORD,,\n`,
    );
  });

  it("round-trips: parseRecord(formatRecord(x)) equals x", () => {
    const entry = fc.record(
      {
        path: fc.string({
          unit: fc.constantFrom("a", "/", ",", '"', " ", "\n", "\r", "é", "x", "."),
          minLength: 1,
        }),
        hash: fc.record({
          algorithm: fc.constantFrom("sha256", "sha512", "md5"),
          digest: fc
            .base64String()
            .map((s) => s.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")),
        }),
        size: fc.nat(),
      },
      { requiredKeys: ["path"] },
    );
    fc.assert(
      fc.property(fc.array(entry), (entries) => {
        const clean = entries
          .map((e) => (e.hash?.digest === "" ? { ...e, hash: undefined } : e))
          .map(dropUndefined);
        expect(parseRecord(formatRecord(clean))).toEqual(clean);
      }),
    );
  });
});

describe("recordDigest / recordHexDigest", () => {
  it("converts hex sha256 to the RECORD form and back", () => {
    expect(recordDigest(EMPTY_SHA256)).toBe(`sha256=${EMPTY_RECORD}`);
    expect(recordHexDigest(`sha256=${EMPTY_RECORD}`)).toBe(EMPTY_SHA256);
    expect(recordHexDigest(EMPTY_RECORD)).toBe(EMPTY_SHA256);
    expect(recordHexDigest(`${EMPTY_RECORD}=`)).toBe(EMPTY_SHA256);
  });

  it("is a bijection on sha256 digests", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const hex = Buffer.from(bytes).toString("hex");
        expect(recordHexDigest(recordDigest(hex))).toBe(hex);
        expect(recordDigest(hex.toUpperCase())).toBe(recordDigest(hex));
      }),
    );
  });

  it.each([["abc"], ["g".repeat(64)]])("recordDigest rejects %j", (hex) => {
    expect(() => recordDigest(hex)).toThrow(/is not 64 hex digits/);
  });

  it.each([[`md5=${EMPTY_RECORD}`], ["sha256=short"], [`sha256=${EMPTY_RECORD.slice(0, -1)}+`]])(
    "recordHexDigest rejects %j",
    (hash) => {
      expect(() => recordHexDigest(hash)).toThrowError(WheelhouseError);
    },
  );
});

function dropUndefined(e: RecordEntry): RecordEntry {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as RecordEntry;
}

const wheelsDir = new URL("../../../shared/corpus/wheels/", import.meta.url);

describe.skipIf(!existsSync(wheelsDir))("RECORD of the corpus wheels", () => {
  const wheels = existsSync(wheelsDir)
    ? readdirSync(wheelsDir).filter((f) => f.endsWith(".whl"))
    : [];

  it.each(wheels)(
    "%s: every file is listed with its sha256 and size, and formats back byte for byte",
    async (wheel) => {
      const entries = await readZipEntries(fileURLToPath(new URL(wheel, wheelsDir)));
      const recordName = [...entries.keys()].find((n) => /^[^/]+\.dist-info\/RECORD$/.test(n))!;
      const text = entries.get(recordName)!.toString("utf8");
      const record = parseRecord(text);
      expect(new Set(record.map((e) => e.path))).toEqual(new Set(entries.keys()));
      for (const entry of record) {
        if (entry.path === recordName) {
          expect(entry).toEqual({ path: recordName });
          continue;
        }
        const bytes = entries.get(entry.path)!;
        const hex = createHash("sha256").update(bytes).digest("hex");
        expect(`${entry.hash?.algorithm}=${entry.hash?.digest}`).toBe(recordDigest(hex));
        expect(entry.size).toBe(bytes.length);
      }
      expect(formatRecord(record)).toBe(text.replace(/\r\n/g, "\n"));
    },
  );
});
