import { relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { relativeUnder } from "../../../src/mirror/install/staging.js";

describe("relativeUnder", () => {
  it("answers as path.relative does", () => {
    const cases: [string, string][] = [
      ["/v/lib/site-packages", "/v/lib/site-packages/pkg/mod.py"],
      ["/v/lib/site-packages/", "/v/lib/site-packages/pkg/mod.py"],
      ["/v/lib/site-packages", "/v/lib/site-packages"],
      ["/v/lib/site-packages", "/v/bin/flask"],
      ["/v/lib/site-packages", "/v/lib/site-packages-other/x"],
      ["/v/lib/site-packages", "/v/lib/site-packages/a/../b"],
      ["/v/lib/site-packages", "/v/lib/site-packages/./a"],
      ["/v/lib/site-packages", "/v/lib/site-packages//a"],
      ["/v/lib/site-packages", "/v/lib/site-packages/..data/x"],
      ["/", "/a/"],
      ["/v/lib/site-packages", "/v/lib/site-packages/pkg/"],
    ];
    for (const [base, path] of cases) expect(relativeUnder(base, path)).toBe(relative(base, path));
  });

  it("agrees with path.relative on generated paths", () => {
    const segment = fc.constantFrom("a", "b", "..", ".", "", "site-packages", ".x", "a.b");
    const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join("/")}`);
    fc.assert(
      fc.property(path, path, (base, p) => {
        expect(relativeUnder(base, p)).toBe(relative(base, p));
      }),
      { numRuns: 20000 },
    );
  });
});
