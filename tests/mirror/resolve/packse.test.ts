// The packse resolver scenarios (astral-sh/packse) against their built index, read from disk.
// Each scenario's `root.requires`, resolved for `resolver_options.python` (else
// `environment.python`, else 3.12) on manylinux_2_28_x86_64 (or `resolver_options.python_platform`),
// must give `expected.satisfiable` and exactly `expected.packages`.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { ResolutionError, resolve } from "../../../src/mirror/resolve/resolve.js";
import { canonicalizeName } from "../../../src/pep/names.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import { normalizeVersion } from "../../../src/pep/version.js";
import { PackseProvider } from "../../helpers/packse-provider.js";

const PACKSE = fileURLToPath(new URL("../../../../shared/corpus/packse/", import.meta.url));
const HAS_PACKSE = existsSync(`${PACKSE}scenarios`);

interface Scenario {
  name: string;
  root: { requires: string[] };
  expected: { satisfiable: boolean; packages?: Record<string, string> };
  resolver_options?: {
    python?: string;
    python_platform?: string;
    prereleases?: boolean;
    no_binary?: string[];
    only_binary?: string[];
  };
  environment?: { python?: string };
}

function loadScenarios(): Scenario[] {
  if (!HAS_PACKSE) return [];
  return readdirSync(`${PACKSE}scenarios`)
    .filter((f) => f.endsWith(".toml"))
    .sort()
    .map((f) => parseToml(readFileSync(`${PACKSE}scenarios/${f}`, "utf8")) as unknown as Scenario);
}

/** uv's "x86_64-manylinux2014" style platform names to a platform tag. */
function platformTag(platform: string | undefined): string {
  if (platform === undefined) return "manylinux_2_28_x86_64";
  const [arch, os] = platform.split("-");
  return `${os}_${arch}`;
}

function scenarioTarget(s: Scenario) {
  const python = s.resolver_options?.python ?? s.environment?.python ?? "3.12";
  const [major, minor, patch] = python.split(".");
  const target = parseTarget(
    `cp${major}${minor}-${platformTag(s.resolver_options?.python_platform)}`,
  );
  return { ...target, pythonFullVersion: `${major}.${minor}.${patch ?? "0"}` };
}

const scenarios = loadScenarios();

describe.skipIf(!HAS_PACKSE)("packse scenarios", () => {
  const provider = new PackseProvider(PACKSE);

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, s) => {
    const prefixed = (n: string) => canonicalizeName(`${s.name}-${n}`);
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
    if (s.expected.packages) {
      const want = Object.fromEntries(
        Object.entries(s.expected.packages).map(([n, v]) => [prefixed(n), normalizeVersion(v)]),
      );
      expect(outcome).toEqual(want);
    }
  });

  it("covers every scenario of the corpus", () => {
    expect(scenarios.length).toBe(49);
  });
});
