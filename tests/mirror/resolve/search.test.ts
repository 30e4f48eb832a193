import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CandidateFile, CandidateMetadata } from "../../../src/mirror/resolve/provider.js";
import { ResolutionError, resolve } from "../../../src/mirror/resolve/resolve.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { specifierContains } from "../../../src/pep/specifier.js";
import { parseTarget } from "../../../src/pep/target.js";
import { type Table, TableProvider } from "./table-provider.js";

const LINUX = parseTarget("cp311-manylinux_2_28_x86_64");

describe("search", () => {
  it("backjumps over unrelated decisions instead of trying every combination", async () => {
    const table: Table = { bad: {}, ok: { "1.0": {} } };
    const roots = ["bad"];
    for (let i = 0; i < 10; i++) {
      table[`p${i}`] = Object.fromEntries(["1", "2", "3", "4", "5"].map((v) => [v, {}]));
      roots.unshift(`p${i}`);
    }
    for (const v of ["1", "2", "3"]) table.bad[v] = { requires: ["missing>=1"] };
    const provider = new TableProvider(table);
    const started = Date.now();
    const error = await resolve(roots.map(parseRequirement), provider, { target: LINUX }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ResolutionError);
    expect(error.code).toBe("NO_MATCHING_DISTRIBUTION");
    // 5^10 combinations of p0..p9 would be tried by chronological backtracking.
    expect(provider.metadataAsked.length).toBeLessThan(20);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("asks for the metadata of pending projects concurrently", async () => {
    const table: Table = { a: { "1.0": {} }, b: { "1.0": {} }, c: { "1.0": {} } };
    const inner = new TableProvider(table);
    let inFlight = 0;
    let most = 0;
    const provider = {
      listFiles: (p: string) => inner.listFiles(p),
      async getMetadata(file: CandidateFile): Promise<CandidateMetadata> {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return inner.getMetadata(file);
      },
    };
    await resolve(["a", "b", "c"].map(parseRequirement), provider, { target: LINUX });
    expect(most).toBe(3);
  });
});

// Random small indexes: whatever the resolver returns satisfies every requirement, and it
// fails only when no assignment of releases does (checked by brute force).
const NAMES = ["p0", "p1", "p2", "p3"];
const VERSIONS = ["1", "2", "3"];
const SPECS = ["", ">=2", "<2", "==1", "!=3", "<3", "==3", ">1"];

const dependency = fc.record({ on: fc.constantFrom(...NAMES), spec: fc.constantFrom(...SPECS) });
const release = fc.option(fc.array(dependency, { maxLength: 2 }), { nil: undefined, freq: 5 });
const project = fc.tuple(release, release, release);
const universe = fc.record({
  projects: fc.tuple(project, project, project, project),
  roots: fc.array(dependency, { minLength: 1, maxLength: 3 }),
});

type Universe = {
  projects: ({ on: string; spec: string }[] | undefined)[][];
  roots: { on: string; spec: string }[];
};

function toTable(u: Universe): Table {
  const table: Table = {};
  u.projects.forEach((releases, i) => {
    table[NAMES[i]] = {};
    releases.forEach((deps, j) => {
      // undefined: the release does not exist.
      if (deps === undefined) return;
      table[NAMES[i]][VERSIONS[j]] = {
        requires: deps.filter((d) => d.on !== NAMES[i]).map((d) => `${d.on}${d.spec}`),
      };
    });
  });
  return table;
}

function valid(
  table: Table,
  roots: { on: string; spec: string }[],
  pick: Map<string, string>,
): boolean {
  const ok = (name: string, spec: string) => {
    const v = pick.get(name);
    return v !== undefined && specifierContains(spec, v);
  };
  if (!roots.every((r) => ok(r.on, r.spec))) return false;
  for (const [name, v] of pick) {
    for (const line of table[name][v].requires ?? []) {
      const r = parseRequirement(line);
      if (!ok(r.name, r.specifier)) return false;
    }
  }
  return true;
}

function solvable(table: Table, roots: { on: string; spec: string }[]): boolean {
  const options = NAMES.map((n) => [undefined, ...Object.keys(table[n])]);
  const walk = (i: number, pick: Map<string, string>): boolean => {
    if (i === NAMES.length) return valid(table, roots, pick);
    for (const v of options[i]) {
      const next = new Map(pick);
      if (v !== undefined) next.set(NAMES[i], v);
      if (walk(i + 1, next)) return true;
    }
    return false;
  };
  return walk(0, new Map());
}

describe("search: property", () => {
  it("is sound and complete on small random indexes", async () => {
    await fc.assert(
      fc.asyncProperty(universe, async (u) => {
        const table = toTable(u as Universe);
        const roots = u.roots.map((r) => `${r.on}${r.spec}`).map(parseRequirement);
        const expected = solvable(table, u.roots);
        try {
          const r = await resolve(roots, new TableProvider(table), { target: LINUX });
          const pick = new Map(r.packages.map((p) => [p.name, p.version]));
          expect(valid(table, u.roots, pick)).toBe(true);
          expect(expected).toBe(true);
        } catch (error) {
          if (!(error instanceof ResolutionError)) throw error;
          expect(expected).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
