import { homedir } from "node:os";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveStoreDir } from "../../src/cmd/store-dir.js";

describe("resolveStoreDir", () => {
  it.each([
    ["--store wins", { store: "/a" }, { WHEELHOUSE_STORE: "/b", XDG_DATA_HOME: "/c" }, "/a"],
    ["relative --store is made absolute", { store: "rel" }, {}, resolve("rel")],
    ["then WHEELHOUSE_STORE", {}, { WHEELHOUSE_STORE: "/b", XDG_DATA_HOME: "/c" }, "/b"],
    ["then XDG_DATA_HOME", {}, { XDG_DATA_HOME: "/c", HOME: "/h" }, "/c/wheelhouse"],
    [
      "a relative XDG_DATA_HOME is ignored",
      {},
      { XDG_DATA_HOME: "c", HOME: "/h" },
      "/h/.local/share/wheelhouse",
    ],
    ["then ~/.local/share", {}, { HOME: "/h" }, "/h/.local/share/wheelhouse"],
    [
      "empty values are unset",
      { store: "" },
      { WHEELHOUSE_STORE: "", HOME: "/h" },
      "/h/.local/share/wheelhouse",
    ],
    ["no HOME: the OS home", {}, {}, resolve(homedir(), ".local/share/wheelhouse")],
  ])("%s", (_, options, env, expected) => {
    expect(resolveStoreDir(options, env)).toBe(expected);
  });
});
