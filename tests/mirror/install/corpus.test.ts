// The proof with real Python and real pip as the judge: the corpus closure installed from
// --find-links and from a store, then imported, run, checked, listed, uninstalled, and compared
// with what `pip install --dry-run --report` would pick.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRequirementInputs } from "../../../src/mirror/install/inputs.js";
import { installRequirements } from "../../../src/mirror/install/install.js";
import { probeInterpreter } from "../../../src/mirror/interpreter.js";
import { addPaths } from "../../../src/store/add.js";
import { closeStore, openStore } from "../../../src/store/store.js";
import { makeVenv } from "./env.js";

const CORPUS = new URL("../../../../shared/corpus/", import.meta.url).pathname;
const WHEELS = join(CORPUS, "wheels");
const REQS = join(CORPUS, "wheels-requirements.txt");
let hasCorpus = false;
try {
  hasCorpus = readdirSync(WHEELS).length > 0;
} catch {
  hasCorpus = false;
}
const root = mkdtempSync(join(tmpdir(), "wh-corpus-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function py(python: string, ...args: string[]): string {
  return execFileSync(python, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** What pip itself would install: name -> version, from its --dry-run report. */
function pipChoice(python: string): Map<string, string> {
  const out = join(root, "report.json");
  py(
    python,
    "-m",
    "pip",
    "install",
    "-q",
    "--disable-pip-version-check",
    "--dry-run",
    "--ignore-installed",
    "--no-index",
    "--find-links",
    WHEELS,
    "-r",
    REQS,
    "--report",
    out,
  );
  const report = JSON.parse(readFileSync(out, "utf8")) as {
    install: { metadata: { name: string; version: string } }[];
  };
  return new Map(
    report.install.map((i) => [
      i.metadata.name.toLowerCase().replace(/[-_.]+/g, "-"),
      i.metadata.version,
    ]),
  );
}

describe.skipIf(!hasCorpus)("the corpus closure, judged by pip", () => {
  it.each(["find-links", "store"])("installs from %s", async (source) => {
    const python = makeVenv(join(root, `venv-${source}`), true);
    const inputs = readRequirementInputs([], [REQS], []);
    let store: Awaited<ReturnType<typeof openStore>> | undefined;
    if (source === "store") {
      store = await openStore(join(root, "store"));
      const added = await addPaths(store, [WHEELS]);
      expect(added.failed).toEqual([]);
    }
    try {
      const report = await installRequirements({
        requirements: inputs.requirements,
        interpreter: await probeInterpreter(python),
        store,
        findLinks: source === "store" ? [] : [WHEELS],
      });
      expect(report.installed).toHaveLength(
        readdirSync(WHEELS).filter((f) => f.endsWith(".whl")).length,
      );
      py(python, "-c", "import flask, requests, httpx, pydantic, rich, yaml, sqlalchemy, dateutil");
      expect(
        execFileSync(join(root, `venv-${source}`, "bin", "flask"), ["--version"], {
          encoding: "utf8",
        }),
      ).toMatch(/Flask \d/);
      expect(py(python, "-m", "pip", "check")).toMatch(/No broken requirements/);
      const listed = new Map(
        (
          JSON.parse(py(python, "-m", "pip", "list", "--format", "json")) as {
            name: string;
            version: string;
          }[]
        ).map((d) => [d.name.toLowerCase().replace(/[-_.]+/g, "-"), d.version]),
      );
      const pip = pipChoice(python);
      for (const p of report.installed) {
        const name = p.name.toLowerCase().replace(/[-_.]+/g, "-");
        expect(listed.get(name), name).toBe(p.version);
        expect(pip.get(name), name).toBe(p.version);
      }
      expect(pip.size).toBe(report.installed.length);
      py(python, "-m", "pip", "uninstall", "-y", "-q", "flask");
      expect(() => py(python, "-c", "import flask")).toThrow();
      const site = (await probeInterpreter(python)).paths.purelib;
      expect(readdirSync(site).filter((n) => n.toLowerCase().startsWith("flask"))).toEqual([]);
    } finally {
      if (store) closeStore(store);
    }
  });
});
