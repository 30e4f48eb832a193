import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultNetrcPath, loadNetrc, lookupNetrc, parseNetrc } from "../../src/mirror/netrc.js";

// [label, netrc text, host, [login, password] or null], from golden/netrc-oracle.py (pip 23.2).
const golden = JSON.parse(
  readFileSync(new URL("./golden/netrc.json", import.meta.url), "utf8"),
) as [string, string, string, [string, string] | null][];

describe("parseNetrc / lookupNetrc, as pip reads a netrc", () => {
  it.each(golden)("%s", (_label, text, host, expected) => {
    const entry = lookupNetrc(parseNetrc(text), host);
    expect(entry === undefined ? null : [entry.login, entry.password]).toEqual(expected);
  });
});

describe("parseNetrc where wheelhouse is more lenient than Python's netrc", () => {
  const cases: [string, string, string, { login: string; password: string } | undefined][] = [
    [
      "case-insensitive host",
      "machine A.Example login u password p",
      "a.example",
      { login: "u", password: "p" },
    ],
    [
      "unknown keyword skipped with its value",
      "machine a login u port 21 password p",
      "a",
      { login: "u", password: "p" },
    ],
    [
      "macdef running to the end of the file",
      "machine a login u password p\nmacdef init\ncd /",
      "a",
      { login: "u", password: "p" },
    ],
  ];
  it.each(cases)("%s", (_label, text, host, expected) => {
    expect(lookupNetrc(parseNetrc(text), host)).toEqual(expected);
  });
});

// requests' get_netrc_auth: NETRC_FILES = (".netrc", "_netrc") under "~", unless NETRC is set.
describe("defaultNetrcPath, as requests finds the file", () => {
  it("takes $NETRC whenever it is set, even empty (no netrc then)", async () => {
    expect(defaultNetrcPath({ NETRC: "/etc/my-netrc", HOME: "/home/a" })).toBe("/etc/my-netrc");
    expect(defaultNetrcPath({ NETRC: "", HOME: "/home/a" })).toBe("");
    expect(await loadNetrc("")).toBeUndefined();
  });

  it("falls back to ~/_netrc only when ~/.netrc does not exist", () => {
    const home = mkdtempSync(join(tmpdir(), "wh-netrc-"));
    try {
      expect(defaultNetrcPath({ HOME: home })).toBe(join(home, ".netrc"));
      writeFileSync(join(home, "_netrc"), "machine a login u password p\n");
      expect(defaultNetrcPath({ HOME: home })).toBe(join(home, "_netrc"));
      writeFileSync(join(home, ".netrc"), "machine a login v password w\n");
      expect(defaultNetrcPath({ HOME: home })).toBe(join(home, ".netrc"));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
