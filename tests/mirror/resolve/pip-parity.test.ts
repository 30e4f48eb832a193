// Cases where the resolver once chose or explained differently from pip 23.2.1. Each table was
// given to pip as it stands: put `{"table": ..., "requirements": [...], "constraints": [...]}`
// in a file and run `python3 tests/mirror/resolve/golden/pip-oracle.py FILE` (it serves the
// table as a simple index on 127.0.0.1 and runs `pip install --dry-run --report -`).
// The expected values below are what pip printed.

import { describe, expect, it } from "vitest";
import { ResolutionError, resolve } from "../../../src/mirror/resolve/resolve.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import { type Table, TableProvider } from "./table-provider.js";

const LINUX = parseTarget("cp311-manylinux_2_28_x86_64");

/** Why, the index, the requirements, and what pip installs: "filename [extras]". */
type Case = [string, Table, string[], string[]];

async function outcome(table: Table, requirements: string[], constraints: string[] = []) {
  const r = await resolve(requirements.map(parseRequirement), new TableProvider(table), {
    target: LINUX,
    constraints: constraints.map(parseRequirement),
  });
  return r.packages.map((p) => `${p.file.filename} [${p.extras.join(",")}]`);
}

async function failure(table: Table, requirements: string[], constraints: string[] = []) {
  const error = await outcome(table, requirements, constraints).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ResolutionError)) throw new Error(`no ResolutionError: ${error}`);
  return error;
}

describe("pip parity: extras a release does not declare (Provides-Extra)", () => {
  it.each([
    [
      "a marker names the extra, Provides-Extra does not: pip ignores it",
      { a: { "1.0": { extras: [], requires: ['b; extra == "x"'] } }, b: { "1.0": {} } },
      ["a[x]"],
      ["a-1.0-py3-none-any.whl []"],
    ],
    [
      "an extra pulls in an undeclared extra of its own project",
      {
        a: { "1.0": { extras: ["x"], requires: ['a[y]; extra == "x"', 'c; extra == "y"'] } },
        c: { "1.0": {} },
      },
      ["a[x]"],
      ["a-1.0-py3-none-any.whl [x]"],
    ],
    [
      "a declared extra, spelled differently (PEP 685)",
      { a: { "1.0": { extras: ["Foo"], requires: ['b; extra == "foo"'] } }, b: { "1.0": {} } },
      ["a[FOO]"],
      ["a-1.0-py3-none-any.whl [foo]", "b-1.0-py3-none-any.whl []"],
    ],
  ] satisfies Case[])("%s", async (_why, table, requirements, expected) => {
    expect(await outcome(table, requirements)).toEqual(expected);
  });
});

describe("pip parity: choice of release and file", () => {
  it.each([
    [
      "only pre-releases fit the target: they are candidates without --pre",
      {
        a: {
          "1.0": { files: ["a-1.0-cp39-cp39-win32.whl"] },
          "2.0b1": {},
        },
      },
      ["a"],
      ["a-2.0b1-py3-none-any.whl []"],
    ],
    [
      "the metadata's Requires-Python counts even when the index states another",
      { a: { "1.0": {}, "2.0": { indexRequiresPython: ">=3.8", requiresPython: ">=3.13" } } },
      ["a"],
      ["a-1.0-py3-none-any.whl []"],
    ],
    [
      "build tags with the same number compare by the rest, as strings",
      { a: { "1.0": { files: ["a-1.0-1a-py3-none-any.whl", "a-1.0-1b-py3-none-any.whl"] } } },
      ["a"],
      ["a-1.0-1b-py3-none-any.whl []"],
    ],
    [
      "build tag 0 beats no build tag",
      { a: { "1.0": { files: ["a-1.0-py3-none-any.whl", "a-1.0-0-py3-none-any.whl"] } } },
      ["a"],
      ["a-1.0-0-py3-none-any.whl []"],
    ],
  ] satisfies Case[])("%s", async (_why, table, requirements, expected) => {
    expect(await outcome(table, requirements)).toEqual(expected);
  });
});

describe("pip parity: conflicts caused by constraints", () => {
  const ab: Table = { a: { "1.0": {}, "2.0": {} }, x: { "1.0": { requires: ["a>=2"] } } };

  it("a constraint is named as one, and is not a trigger", async () => {
    const e = await failure(ab, ["x"], ["A<2"]);
    expect(e.code).toBe("RESOLUTION_IMPOSSIBLE");
    expect(e.message).toMatchInlineSnapshot(`
      "Cannot install x==1.0 because these package versions have conflicting dependencies.
      The conflict is caused by:
          x 1.0 depends on a>=2
          The user requested (constraint) a<2
      The chain that led there:
          <root> -> x 1.0"
    `);
  });

  it("a requirement against a constraint", async () => {
    const e = await failure(ab, ["a>=2"], ["a<2"]);
    expect(e.message).toMatchInlineSnapshot(`
      "Cannot install a>=2 because these package versions have conflicting dependencies.
      The conflict is caused by:
          The user requested a>=2
          The user requested (constraint) a<2"
    `);
  });

  it("constraints that admit nothing together are a conflict, merged into one line", async () => {
    const e = await failure({ a: { "1.0": {} } }, ["a"], ["a==2.0", "a==1.0"]);
    expect(e.code).toBe("RESOLUTION_IMPOSSIBLE");
    expect(e.message).toMatchInlineSnapshot(`
      "Cannot install a because these package versions have conflicting dependencies.
      The conflict is caused by:
          The user requested a
          The user requested (constraint) a==1.0,==2.0"
    `);
  });
});
