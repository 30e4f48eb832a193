// The packse resolver scenarios through the whole main job: their built static index served on
// 127.0.0.1 by a plain file server, and `wheelhouse sync --dry-run --json` (the real CLI, its
// upstream client and resolver) resolving each scenario's `root.requires` for its Python. Each
// must give `expected.satisfiable` and exactly `expected.packages`.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRequirement } from "../../src/pep/requirement.js";
import { wheelhouse } from "../helpers/cli.js";
import { corpusPath } from "../helpers/corpus.js";
import {
  expectedPackages,
  HAS_PACKSE,
  loadScenarios,
  PACKSE_DIR,
  prefixedName,
  type Scenario,
  scenarioPlatform,
  scenarioPython,
} from "../helpers/packse.js";
import { type StaticServer, startStaticServer } from "../helpers/static-server.js";

const scenarios = loadScenarios();

/** The CLI arguments of one scenario. */
function syncArgs(s: Scenario, indexUrl: string, store: string): string[] {
  const prefixed = (n: string) => prefixedName(s, n);
  // The build backends of the scenarios' sdists (hatchling and its dependencies) come from the
  // corpus's build folder, as an internal mirror would carry them.
  const args = ["sync", "--dry-run", "--json", "--store", store, "--index-url", indexUrl];
  args.push("--find-links", corpusPath("build"));
  args.push("--python-version", scenarioPython(s), "--platform", scenarioPlatform(s));
  if (s.resolver_options?.prereleases) args.push("--pre");
  for (const n of s.resolver_options?.no_binary ?? []) args.push("--no-binary", prefixed(n));
  for (const n of s.resolver_options?.only_binary ?? []) args.push("--only-binary", prefixed(n));
  for (const line of s.root.requires) {
    const r = parseRequirement(line);
    const extras = r.extras.length ? `[${r.extras.join(",")}]` : "";
    const marker = r.marker ? ` ; ${r.marker}` : "";
    args.push(`${prefixed(r.name)}${extras}${r.specifier}${marker}`);
  }
  return args;
}

describe.skipIf(!HAS_PACKSE)("packse scenarios through `wheelhouse sync` over HTTP", () => {
  let server: StaticServer;
  let dir: string;
  const outcomes = new Map<string, boolean>();

  beforeAll(async () => {
    server = await startStaticServer(PACKSE_DIR);
    dir = await mkdtemp(join(tmpdir(), "wh-packse-"));
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    const passed = [...outcomes.values()].filter(Boolean).length;
    process.stderr.write(`packse over HTTP: ${passed} of ${scenarios.length} scenarios pass\n`);
  });

  it.concurrent.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, s) => {
    const ran = await wheelhouse(syncArgs(s, `${server.url}/simple-html/`, join(dir, s.name)));
    outcomes.set(s.name, false);
    if (!s.expected.satisfiable) {
      expect(ran.code, ran.stdout).toBe(1);
      expect(ran.stderr).toMatch(/error: /);
      outcomes.set(s.name, true);
      return;
    }
    expect(ran.code, ran.stderr).toBe(0);
    const report = JSON.parse(ran.stdout) as {
      targets: {
        packages: {
          name: string;
          version: string;
          buildOnly?: boolean;
          files: { filename: string }[];
        }[];
      }[];
    };
    const noBinary = new Set((s.resolver_options?.no_binary ?? []).map((n) => prefixedName(s, n)));
    for (const p of report.targets[0].packages) {
      if (noBinary.has(p.name))
        expect(p.files.map((f) => f.filename)).toEqual([expect.stringMatching(/\.tar\.gz$/)]);
    }
    const got = Object.fromEntries(
      report.targets[0].packages.filter((p) => !p.buildOnly).map((p) => [p.name, p.version]),
    );
    const want = expectedPackages(s);
    if (want) expect(got).toEqual(want);
    outcomes.set(s.name, true);
  });
});
