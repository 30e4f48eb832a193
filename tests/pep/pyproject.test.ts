// projectRequirements and dependencyGroup (src/pep/pyproject.ts): what a pyproject.toml asks
// for, as uv reads `-r pyproject.toml` and pip reads `--group`, and every way it can be wrong.

import { describe, expect, it } from "vitest";
import { dependencyGroup, projectRequirements } from "../../src/pep/pyproject.js";
import { formatRequirement } from "../../src/pep/requirement.js";
import { errorOf } from "../helpers/error-of.js";

const PYPROJECT = `
[project]
name = "app"
version = "1.0"
dependencies = ["flask>=3", 'tomli; python_version < "3.11"']

[project.optional-dependencies]
Speed_Ups = ["orjson"]
cli = ["click"]

[dependency-groups]
coverage = ["coverage[toml]"]
Test = ["pytest>7", {include-group = "coverage"}]
dev = [{include-group = "test"}, "ruff"]
`;

const texts = (list: ReturnType<typeof projectRequirements>) => list.map(formatRequirement);

describe("projectRequirements", () => {
  it("reads [project].dependencies, and the extras asked for by any spelling of their name", () => {
    expect(texts(projectRequirements(PYPROJECT, "pyproject.toml"))).toEqual([
      "flask>=3",
      'tomli; python_version < "3.11"',
    ]);
    expect(
      texts(projectRequirements(PYPROJECT, "pyproject.toml", { extras: ["speed-ups"] })),
    ).toEqual(["flask>=3", 'tomli; python_version < "3.11"', "orjson"]);
    expect(
      texts(projectRequirements(PYPROJECT, "pyproject.toml", { allExtras: true })).slice(2),
    ).toEqual(["orjson", "click"]);
  });

  it("refuses what it cannot read, naming the file and the key", () => {
    const cases: [string, object, string, RegExp][] = [
      [
        "[project\nname = 1",
        {},
        "INVALID_PYPROJECT",
        /^p\/pyproject\.toml: not valid TOML \(line 1\)/,
      ],
      ["[tool.x]\na = 1", {}, "INVALID_PYPROJECT", /no \[project\] table/],
      [
        '[project]\ndependencies = "flask"',
        {},
        "INVALID_PYPROJECT",
        /project\.dependencies is not an array/,
      ],
      [
        '[project]\ndependencies = ["flask >>> 3"]',
        {},
        "INVALID_PYPROJECT",
        /project\.dependencies\[0\] \("flask >>> 3"\) is not a valid requirement/,
      ],
      [
        '[project]\ndynamic = ["dependencies"]',
        {},
        "PYPROJECT_DYNAMIC",
        /marks dependencies dynamic/,
      ],
      [PYPROJECT, { extras: ["gui"] }, "PYPROJECT_UNKNOWN_EXTRA", /has no extra "gui"/],
    ];
    for (const [text, selection, code, message] of cases) {
      const error = errorOf(() => projectRequirements(text, "p/pyproject.toml", selection));
      expect(error, text).toMatchObject({ code, message: expect.stringMatching(message) });
    }
    expect(errorOf(() => projectRequirements(PYPROJECT, "p", { extras: ["gui"] })).hint).toBe(
      "its extras: Speed_Ups, cli",
    );
  });
});

describe("dependencyGroup", () => {
  it("expands includes in place, names compared normalized", () => {
    expect(texts(dependencyGroup(PYPROJECT, "pyproject.toml", "DEV"))).toEqual([
      "pytest>7",
      "coverage[toml]",
      "ruff",
    ]);
  });

  it("refuses unknown groups, cycles, bad entries and names that collide", () => {
    const cases: [string, string, string, RegExp][] = [
      [PYPROJECT, "docs", "PYPROJECT_UNKNOWN_GROUP", /has no dependency group "docs"/],
      [
        '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]',
        "a",
        "INVALID_PYPROJECT",
        /include each other: a -> b -> a/,
      ],
      [
        '[dependency-groups]\na = [{include-group = "missing"}]',
        "a",
        "INVALID_PYPROJECT",
        /group "a" includes "missing", which is not defined/,
      ],
      ['[dependency-groups]\na = [{other = "x"}]', "a", "INVALID_PYPROJECT", /a\[0\] is neither/],
      [
        "[dependency-groups]\nA_b = []\na-B = []",
        "a-b",
        "INVALID_PYPROJECT",
        /"A_b" and "a-B" have one name/,
      ],
    ];
    for (const [text, group, code, message] of cases) {
      const error = errorOf(() => dependencyGroup(text, "pyproject.toml", group));
      expect(error, text).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });
});
