// parseRequirementArgument: a command-line requirement as pip reads one, PEP 508 text or the
// path or URL of a wheel or sdist (named by its filename), a relative path joined to the
// caller's directory.
import { describe, expect, it } from "vitest";
import { parseRequirement } from "../../src/pep/requirement.js";
import { parseRequirementArgument } from "../../src/pep/requirements-txt.js";
import { errorOf } from "../helpers/error-of.js";

const BASE = "/work/here";

describe("parseRequirementArgument", () => {
  it.each([
    "six",
    "six>=1.16",
    "requests[socks]>=2; python_version >= '3.8'",
    "six @ file:///wheels/six-1.17.0-py2.py3-none-any.whl",
    "pip @ https://example.test/pip-24.0-py3-none-any.whl",
  ])("reads PEP 508 text as parseRequirement does: %s", (text) => {
    expect(parseRequirementArgument(text, BASE)).toEqual(parseRequirement(text));
  });

  it.each([
    [
      "./wheels/six-1.17.0-py2.py3-none-any.whl",
      "six",
      "/work/here/wheels/six-1.17.0-py2.py3-none-any.whl",
    ],
    [
      "wheels/six-1.17.0-py2.py3-none-any.whl",
      "six",
      "/work/here/wheels/six-1.17.0-py2.py3-none-any.whl",
    ],
    ["../up/Flask-3.1.0.tar.gz", "flask", "/work/up/Flask-3.1.0.tar.gz"],
    ["/abs/six-1.17.0-py2.py3-none-any.whl", "six", "/abs/six-1.17.0-py2.py3-none-any.whl"],
    ["six-1.17.0-py2.py3-none-any.whl", "six", "/work/here/six-1.17.0-py2.py3-none-any.whl"],
    ["~/dl/six-1.17.0-py2.py3-none-any.whl", "six", "~/dl/six-1.17.0-py2.py3-none-any.whl"],
    [
      "file:///wheels/six-1.17.0-py2.py3-none-any.whl",
      "six",
      "file:///wheels/six-1.17.0-py2.py3-none-any.whl",
    ],
  ])("takes the path or URL %s as a direct reference to its file's project", (text, name, url) => {
    const r = parseRequirementArgument(text, BASE);
    expect(r.url).toBe(url);
    expect(r.name.toLowerCase()).toBe(name);
    expect(r.specifier).toBe("");
  });

  it("keeps extras and a marker after the path", () => {
    const r = parseRequirementArgument(
      "./dist/app-2.0-py3-none-any.whl[cli,extra]; python_version >= '3.8'",
      BASE,
    );
    expect(r).toMatchObject({
      name: "app",
      extras: ["cli", "extra"],
      url: "/work/here/dist/app-2.0-py3-none-any.whl",
      marker: 'python_version >= "3.8"',
    });
  });

  it("names the argument when it is neither PEP 508 text nor a distribution's path", () => {
    expect(errorOf(() => parseRequirementArgument("./src/project", BASE))).toEqual({
      code: "INVALID_REQUIREMENT",
      message:
        'requirement "./src/project" is invalid: the project name of "./src/project" is unknown',
      hint: "a wheel or an sdist is named by its path; a source directory is built into a wheel first (python3 -m pip wheel --no-deps -w wheels DIR)",
    });
    expect(errorOf(() => parseRequirementArgument("./bad-name.whl", BASE)).message).toMatch(
      /^requirement "\.\/bad-name\.whl" is invalid: /,
    );
    expect(errorOf(() => parseRequirementArgument("six >>= 1", BASE)).code).toBe(
      "INVALID_REQUIREMENT",
    );
  });
});
