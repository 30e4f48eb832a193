// The packse resolver scenarios (astral-sh/packse) against their built index, read from disk.
// Each scenario's `root.requires`, resolved for `resolver_options.python` (else
// `environment.python`, else 3.12) on manylinux_2_28_x86_64 (or `resolver_options.python_platform`),
// must give `expected.satisfiable` and exactly `expected.packages`.

import { describe, expect, it } from "vitest";
import { ResolutionError, resolve } from "../../../src/mirror/resolve/resolve.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import {
  expectedPackages,
  HAS_PACKSE,
  loadScenarios,
  PACKSE_DIR,
  prefixedName,
  scenarioTarget,
} from "../../helpers/packse.js";
import { PackseProvider } from "../../helpers/packse-provider.js";

const scenarios = loadScenarios();

describe.skipIf(!HAS_PACKSE)("packse scenarios", () => {
  const provider = new PackseProvider(`${PACKSE_DIR}/`);

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, s) => {
    const prefixed = (n: string) => prefixedName(s, n);
    const requirements = s.root.requires.map((line) => {
      const r = parseRequirement(line);
      return { ...r, name: prefixed(r.name) };
    });
    const names = (list: string[] | undefined) => (list ? new Set(list.map(prefixed)) : undefined);
    const options = {
      target: scenarioTarget(s),
      pre: s.resolver_options?.prereleases ?? false,
      noBinary: names(s.resolver_options?.no_binary),
      onlyBinary: names(s.resolver_options?.only_binary),
    };
    let outcome: Record<string, string> | ResolutionError;
    try {
      const r = await resolve(requirements, provider, options);
      outcome = Object.fromEntries(r.packages.map((p) => [p.name, p.version]));
      for (const p of r.packages) {
        if (options.noBinary?.has(p.name)) expect(p.file.filename).toMatch(/\.tar\.gz$/);
      }
    } catch (error) {
      if (!(error instanceof ResolutionError)) throw error;
      outcome = error;
    }
    if (!s.expected.satisfiable) {
      expect(outcome).toBeInstanceOf(ResolutionError);
      return;
    }
    expect(outcome).not.toBeInstanceOf(ResolutionError);
    const want = expectedPackages(s);
    if (want) expect(outcome).toEqual(want);
  });

  it("covers every scenario of the corpus", () => {
    expect(scenarios.length).toBe(49);
  });
});
