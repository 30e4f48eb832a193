// scriptsOffPath: which directories of installed scripts pip would warn about (not on PATH, not
// the interpreter's own directory).
import { describe, expect, it } from "vitest";
import { scriptsOffPath } from "../../../src/mirror/install/script-location.js";

describe("scriptsOffPath", () => {
  const scripts = ["/home/u/.local/bin/flask", "/home/u/.local/bin/dotenv", "/opt/x/bin/tool"];

  it("names each directory off PATH with its scripts, sorted", () => {
    expect(scriptsOffPath(scripts, "/usr/bin:/bin", "/usr/bin")).toEqual([
      { dir: "/home/u/.local/bin", names: ["dotenv", "flask"] },
      { dir: "/opt/x/bin", names: ["tool"] },
    ]);
  });

  it("leaves out directories on PATH, written with a trailing slash or not, and the interpreter's", () => {
    expect(scriptsOffPath(scripts, "/usr/bin:/home/u/.local/bin/:", "/opt/x/bin")).toEqual([]);
    expect(scriptsOffPath(scripts, "/home/u/.local//bin", "/usr/bin")).toEqual([
      { dir: "/opt/x/bin", names: ["tool"] },
    ]);
  });

  it("takes PATH's separator from the caller, and no PATH at all", () => {
    expect(scriptsOffPath(["/a/b/s"], "/x;/a/b", "/y", ";")).toEqual([]);
    expect(scriptsOffPath(["/a/b/s"], undefined, "/y")).toEqual([{ dir: "/a/b", names: ["s"] }]);
    expect(scriptsOffPath([], "", "/y")).toEqual([]);
  });
});
