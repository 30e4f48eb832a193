// Test helper: the packse resolver scenarios of the shared corpus (astral-sh/packse): where
// they are, their TOML read into a typed shape, and the target each one resolves for.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { canonicalizeName } from "../../src/pep/names.js";
import { parseTarget, type Target } from "../../src/pep/target.js";
import { normalizeVersion } from "../../src/pep/version.js";
import { corpusPath } from "./corpus.js";

/** The packse folder: `scenarios/*.toml`, `simple-html/`, `files/`. */
export const PACKSE_DIR = corpusPath("packse");

/** True when the packse scenarios are present. */
export const HAS_PACKSE = existsSync(join(PACKSE_DIR, "scenarios"));

/** One scenario, as far as the tests read it. */
export interface Scenario {
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

/** Every scenario, sorted by file name; [] when the corpus is absent. */
export function loadScenarios(): Scenario[] {
  if (!HAS_PACKSE) return [];
  const dir = join(PACKSE_DIR, "scenarios");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".toml"))
    .sort()
    .map((f) => parseToml(readFileSync(join(dir, f), "utf8")) as unknown as Scenario);
}

/** The scenario's Python: `resolver_options.python`, else `environment.python`, else 3.12. */
export function scenarioPython(s: Scenario): string {
  return s.resolver_options?.python ?? s.environment?.python ?? "3.12";
}

/** uv's "x86_64-manylinux2014" to a platform tag; default a current manylinux. */
export function scenarioPlatform(s: Scenario): string {
  const platform = s.resolver_options?.python_platform;
  if (platform === undefined) return "manylinux_2_28_x86_64";
  const [arch, os] = platform.split("-");
  return `${os}_${arch}`;
}

/** The target a scenario resolves for, with its full Python version. */
export function scenarioTarget(s: Scenario): Target {
  const [major, minor, patch] = scenarioPython(s).split(".");
  const target = parseTarget(`cp${major}${minor}-${scenarioPlatform(s)}`);
  return { ...target, pythonFullVersion: `${major}.${minor}.${patch ?? "0"}` };
}

/** A scenario's package names carry the scenario name as a prefix. */
export function prefixedName(s: Scenario, name: string): string {
  return canonicalizeName(`${s.name}-${name}`);
}

/** `expected.packages` with prefixed canonical names and normalized versions. */
export function expectedPackages(s: Scenario): Record<string, string> | undefined {
  if (!s.expected.packages) return undefined;
  return Object.fromEntries(
    Object.entries(s.expected.packages).map(([n, v]) => [prefixedName(s, n), normalizeVersion(v)]),
  );
}
