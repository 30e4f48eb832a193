// Real metadata: the corpus's 31 real PyPI wheels (a flat find-links directory) must resolve,
// for CPython 3.11 on manylinux x86_64, to exactly themselves from wheels-requirements.txt.
// python3 -m pip install --dry-run --no-index --find-links corpus/wheels -r wheels-requirements.txt
// picks the same 31 files (the corpus README says they are that closure).

import { readdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type {
  CandidateFile,
  CandidateMetadata,
  Provider,
} from "../../../src/mirror/resolve/provider.js";
import { resolve } from "../../../src/mirror/resolve/resolve.js";
import { parseDistributionFilename } from "../../../src/pep/filename.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import { inspectDistribution } from "../../../src/store/inspect.js";
import { corpusPath, HAS_CORPUS } from "../../helpers/corpus.js";

/** A find-links directory as a Provider (test-only). */
function directoryProvider(dir: string): Provider {
  const files = readdirSync(dir).filter((f) => f.endsWith(".whl"));
  return {
    async listFiles(project) {
      return files
        .filter((f) => parseDistributionFilename(f).name === project)
        .map(
          (f): CandidateFile => ({
            filename: f,
            url: pathToFileURL(`${dir}/${f}`).href,
            yanked: false,
            source: dir,
          }),
        );
    },
    async getMetadata(file): Promise<CandidateMetadata> {
      const { metadata } = await inspectDistribution(`${dir}/${file.filename}`);
      return { ...metadata };
    },
  };
}

describe.skipIf(!HAS_CORPUS)("corpus wheels", () => {
  it("resolve to exactly the 31 wheels of the closure", async () => {
    const dir = corpusPath("wheels");
    const lines = readFileSync(corpusPath("wheels-requirements.txt"), "utf8")
      .split("\n")
      .filter(Boolean);
    const r = await resolve(lines.map(parseRequirement), directoryProvider(dir), {
      target: { ...parseTarget("cp311-manylinux_2_28_x86_64"), pythonFullVersion: "3.11.9" },
    });
    const all = readdirSync(dir)
      .filter((f) => f.endsWith(".whl"))
      .sort();
    expect(r.packages.map((p) => p.file.filename).sort()).toEqual(all);
    const flask = r.packages.find((p) => p.name === "flask")!;
    expect(flask.requestedBy).toEqual(["<root>"]);
    expect(flask.dependencies).toEqual([
      "blinker",
      "click",
      "itsdangerous",
      "jinja2",
      "markupsafe",
      "werkzeug",
    ]);
  });
});
