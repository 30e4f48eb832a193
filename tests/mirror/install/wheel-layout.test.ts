import { describe, expect, it } from "vitest";
import { checkWheelVersion, findDistInfo } from "../../../src/mirror/install/wheel-layout.js";

const FILE = "demo-1.0-py3-none-any.whl";

describe("checkWheelVersion", () => {
  // pip 23.2's check (utils/wheel.py): a tuple of ints; major > 1 fails, > (1, 0) warns.
  const table: [string, "ok" | "warn" | RegExp][] = [
    ["Wheel-Version: 1.0\n", "ok"],
    ["wheel-version:1.0\r\nRoot-Is-Purelib: true\r\n", "ok"],
    ["Wheel-Version: 0.9\n", "ok"],
    ["Wheel-Version: 1\n", "ok"],
    ["Wheel-Version: 1.1\n", "warn"],
    ["Wheel-Version: 1.0.1\n", "warn"],
    ["Wheel-Version: 2.0\n", /"2\.0"; only 1\.x is installable/],
    ["Wheel-Version: 1.x\n", /"1\.x", which is not a version/],
    ["Wheel-Version:\n", /"", which is not a version/],
    ["Generator: x\n", /"\(none\)", which is not a version/],
  ];
  it.each(table)("%j", (text, expected) => {
    if (expected instanceof RegExp) {
      expect(() => checkWheelVersion(text, FILE)).toThrow(expected);
      return;
    }
    const warning = checkWheelVersion(text, FILE);
    if (expected === "ok") expect(warning).toBeUndefined();
    else
      expect(warning).toMatch(/^wheel "demo-1\.0-py3-none-any\.whl" has Wheel-Version "1\.[01].*"/);
  });
});

describe("findDistInfo", () => {
  const info = (dir: string) => [`${dir}/WHEEL`, `${dir}/RECORD`, `${dir}/METADATA`];
  it("finds the one .dist-info, named in any equivalent spelling", () => {
    expect(findDistInfo(["demo/__init__.py", ...info("Demo-1.0.dist-info")], "demo", FILE)).toBe(
      "Demo-1.0.dist-info",
    );
    expect(findDistInfo(info("foo_bar-1.0.dist-info"), "Foo.Bar", FILE)).toBe(
      "foo_bar-1.0.dist-info",
    );
  });
  it("refuses several, none for the project, or one without WHEEL or RECORD", () => {
    const table: [string[], RegExp][] = [
      [
        [...info("demo-1.0.dist-info"), "vendored-2.0.dist-info/METADATA"],
        /several \.dist-info folders: demo-1\.0\.dist-info, vendored-2\.0\.dist-info/,
      ],
      [info("other-1.0.dist-info"), /no \.dist-info folder for its project/],
      [["demo/__init__.py"], /no \.dist-info folder for its project/],
      [["demo-1.0.dist-info/RECORD"], /no demo-1\.0\.dist-info\/WHEEL/],
      [["demo-1.0.dist-info/WHEEL"], /no demo-1\.0\.dist-info\/RECORD/],
    ];
    for (const [names, message] of table)
      expect(() => findDistInfo(names, "demo", FILE)).toThrow(message);
  });
});
