// memberPath (src/mirror/install/staging.ts): where a relative path lands under a folder;
// its string fast path must give what path.join gives, for the names that reach it.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memberPath } from "../../../src/mirror/install/staging.js";

const ROOT = "/venv/lib/python3.11/site-packages";

describe("memberPath", () => {
  it.each([
    "pkg/__init__.py",
    "pkg/sub/mod.py",
    "top.py",
    "pkg/.hidden",
    "pkg/..data",
    "pkg/./mod.py",
    "./pkg/mod.py",
    "pkg//mod.py",
    "pkg/mod.py/",
    "pkg/.",
    "pkg-1.0.dist-info/METADATA",
    "naïve/ünïcode.py",
    "../escape.py",
    "pkg/../mod.py",
    "pkg/..",
    "",
  ])("%s lands where join puts it", (name) => {
    expect(memberPath(ROOT, name)).toBe(join(ROOT, ...name.split("/")));
  });
});
