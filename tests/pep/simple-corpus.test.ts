// The recorded pypi.org pages of the corpus: every page parses, parses the way pip reads it
// (golden/simple-pip.json, made by golden/simple-pip.py), and a project recorded in both formats
// gives the same file list whichever format is read.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseProjectHtml } from "../../src/pep/simple-html.js";
import { parseProjectJson, renderProjectJson } from "../../src/pep/simple-json.js";
import type { DistributionFile } from "../../src/pep/simple-types.js";

const CORPUS = fileURLToPath(new URL("../../../shared/corpus/pypi-org/", import.meta.url));
const HAS_CORPUS = existsSync(CORPUS);
const golden = JSON.parse(
  readFileSync(new URL("./golden/simple-pip.json", import.meta.url), "utf8"),
) as Record<string, Record<string, unknown>[]>;

function pagesIn(folder: string, ext: string): string[] {
  return HAS_CORPUS
    ? readdirSync(`${CORPUS}${folder}`)
        .filter((f) => f.endsWith(ext))
        .sort()
    : [];
}

const pageUrl = (file: string) => `https://pypi.org/simple/${file.replace(/\.[a-z]+$/, "")}/`;
const read = (folder: string, file: string) => readFileSync(`${CORPUS}${folder}/${file}`, "utf8");

/** The fields pip reads, in the golden file's shape. */
function asPip(file: DistributionFile): Record<string, unknown> {
  return {
    filename: file.filename,
    url: file.url,
    hashes: file.hashes,
    requiresPython: file.requiresPython ?? null,
    yanked: file.yanked,
    coreMetadata: file.coreMetadata,
  };
}

describe.skipIf(!HAS_CORPUS)("recorded pypi.org HTML pages (PEP 503)", () => {
  it.each(pagesIn("simple-html", ".html"))("%s parses as pip reads it", (file) => {
    const page = parseProjectHtml(read("simple-html", file), pageUrl(file));
    expect(page.apiVersion).toBe("1.0");
    const expected = golden[`simple-html/${file}`].map((f) =>
      // pip 23.2 reads a valueless data-yanked as "not yanked" (the stdlib parser gives None);
      // the spec says its presence means yanked, without a reason.
      file === "futures-partial-yank.html" && f.filename === "futures-3.2.0-py2-none-any.whl"
        ? { ...f, yanked: "" }
        : f,
    );
    expect(page.files.map(asPip)).toEqual(expected);
  });

  it("reads the name from the title, the serial from the comment", () => {
    const page = parseProjectHtml(read("simple-html", "black.html"), pageUrl("black.html"));
    expect(page.name).toBe("black");
    expect(page.lastSerial).toBe(6044498);
    expect(page.files[3]).toMatchObject({
      filename: "black-21.11b0.tar.gz",
      requiresPython: ">=3.6.2",
      yanked: "Broken regex dependency. Use 21.11b1 instead.",
    });
  });

  it("takes the filename from the URL, not the anchor text (relative.html)", () => {
    const page = parseProjectHtml(read("simple-html", "relative.html"), pageUrl("relative.html"));
    expect(page.files.map((f) => f.filename)).toEqual([
      "poetry-0.1.0-py3-none-any.whl",
      "poetry-0.1.0.tar.gz",
      "poetry-0.1.1.tar.bz2",
    ]);
    expect(page.files[2].url).toBe("https://pypi.org/simple/relative/poetry-0.1.1.tar.bz2");
  });
});

describe.skipIf(!HAS_CORPUS)("recorded pypi.org JSON pages (PEP 691 and 700)", () => {
  it.each(pagesIn("simple-json", ".json"))("%s parses as pip reads it and round-trips", (file) => {
    const page = parseProjectJson(read("simple-json", file), pageUrl(file));
    expect(page.apiVersion).toMatch(/^1\.[0-4]$/);
    expect(page.files.map(asPip)).toEqual(golden[`simple-json/${file}`]);
    if (page.apiVersion !== "1.0") for (const f of page.files) expect(f.size).toBeGreaterThan(0);
    expect(parseProjectJson(renderProjectJson(page), pageUrl(file))).toEqual(page);
  });
});

// Projects whose two recordings were made at the same time: identical file lists. The others
// were recorded at different times (files added, hashes rewritten by the recorder), so for them
// only the files both list are compared, and only on what the recordings agree on (ipython's
// HTML gives 4.1.0rc1 a requires-python its JSON does not; isort-metadata's URLs differ).
const SAME_RECORDING = ["black", "discord-py", "futures", "isort", "python-language-server"];

describe.skipIf(!HAS_CORPUS)("the same project in both formats", () => {
  const both = pagesIn("simple-html", ".html")
    .map((f) => f.replace(/\.html$/, ""))
    .filter((name) => existsSync(`${CORPUS}simple-json/${name}.json`));

  it("covers every project recorded in both formats", () => {
    expect(both.length).toBeGreaterThanOrEqual(SAME_RECORDING.length);
    for (const name of SAME_RECORDING) expect(both).toContain(name);
  });

  it.each(both)("%s: same files whichever format is read", (name) => {
    const html = parseProjectHtml(read("simple-html", `${name}.html`), pageUrl(name));
    const json = parseProjectJson(read("simple-json", `${name}.json`), pageUrl(name));
    const key = (f: DistributionFile) => ({
      filename: f.filename,
      url: f.url,
      sha256: f.hashes.sha256,
      requiresPython: f.requiresPython,
      yanked: f.yanked,
    });
    if (SAME_RECORDING.includes(name)) {
      expect(html.files.map(key)).toEqual(json.files.map(key));
      expect(html.name).toBe(json.name);
    } else {
      const byName = new Map(json.files.map((f) => [f.filename, f]));
      const common = html.files.filter((f) => byName.has(f.filename));
      expect(common.length).toBeGreaterThan(0);
      for (const f of common) {
        const j = byName.get(f.filename)!;
        expect([f.filename, f.yanked]).toEqual([j.filename, j.yanked]);
      }
    }
  });
});
