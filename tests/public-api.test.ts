// The public library API: the names the foundation issue promises, importable from the package
// entry ("wheelhouse", resolved through package.json `exports` to dist/index.js).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

const exec = promisify(execFile);

const NAMES = [
  "canonicalizeName",
  "normalizeVersion",
  "compareVersions",
  "specifierContains",
  "parseRequirement",
  "evaluateMarker",
  "parseWheelFilename",
  "parseSdistFilename",
  "supportedTags",
  "markerEnvironment",
  "parseCoreMetadata",
  "parseRecord",
  "formatRecord",
  "parseRequirementsTxt",
  "parsePylock",
  "formatPylock",
  "parseProjectJson",
  "parseProjectHtml",
  "renderProjectJson",
  "renderProjectHtml",
  "negotiate",
  "WheelhouseError",
];

describe("public API", () => {
  it.each(NAMES)("exports %s from the package entry", (name) => {
    expect(typeof (api as Record<string, unknown>)[name]).toBe("function");
  });

  it('resolves `import ... from "wheelhouse"` to the built entry', async () => {
    const script = `import { canonicalizeName, supportedTags } from "wheelhouse";
      console.log(canonicalizeName("Foo.Bar_baz"), supportedTags("cp311-manylinux_2_28_x86_64")[0]);`;
    const { stdout } = await exec(process.execPath, ["--input-type=module", "-e", script], {
      cwd: new URL("..", import.meta.url).pathname,
    });
    expect(stdout.trim()).toBe("foo-bar-baz cp311-cp311-manylinux_2_28_x86_64");
  });
});
