import { describe, expect, it } from "vitest";
import { lookupNetrc, parseNetrc } from "../../../src/mirror/upstream/netrc.js";

describe("parseNetrc / lookupNetrc", () => {
  const cases: [string, string, string, { login: string; password: string } | undefined][] = [
    [
      "one line",
      "machine a.example login u password p",
      "a.example",
      { login: "u", password: "p" },
    ],
    ["several lines", "machine a\n  login u\n  password p\n", "a", { login: "u", password: "p" }],
    [
      "case-insensitive host",
      "machine A.Example login u password p",
      "a.example",
      { login: "u", password: "p" },
    ],
    ["no match", "machine a login u password p", "b", undefined],
    [
      "default after machine",
      "machine a login u password p\ndefault login d password q",
      "b",
      { login: "d", password: "q" },
    ],
    [
      "machine beats default",
      "default login d password q\nmachine a login u password p",
      "a",
      { login: "u", password: "p" },
    ],
    [
      "first entry wins",
      "machine a login u password p\nmachine a login v password w",
      "a",
      { login: "u", password: "p" },
    ],
    [
      "quoted password",
      'machine a login u password "p w\\"x"',
      "a",
      { login: "u", password: 'p w"x' },
    ],
    [
      "macdef skipped",
      "macdef init\nmachine x login bad password bad\n\nmachine a login u password p",
      "a",
      { login: "u", password: "p" },
    ],
    [
      "macdef body not an entry",
      "macdef init\nmachine x login bad password bad\n\nmachine a login u password p",
      "x",
      undefined,
    ],
    [
      "account ignored",
      "machine a login u account acc password p",
      "a",
      { login: "u", password: "p" },
    ],
  ];
  it.each(cases)("%s", (_label, text, host, expected) => {
    expect(lookupNetrc(parseNetrc(text), host)).toEqual(expected);
  });
});
