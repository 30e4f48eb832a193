// src/mirror/v8-flags.ts, checked against V8 itself in a fresh Node process (the flags are the
// process's): bytecode cached under one set of flags is refused under another, which is what
// the tuned flags, the untuned windows and withTunedFlags() are arranged around.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";

const FLAGS = pathToFileURL(join(CLI, "..", "..", "mirror", "v8-flags.js")).href;

// Each Script gets its own source (same length: V8 checks the length, not the bytes), so V8's
// in-memory compilation cache never answers instead of the cached data.
const SCRIPT = `
import { Script } from "node:vm";
import { tuneV8, untunedWhile, withTunedFlags } from ${JSON.stringify(FLAGS)};
let n = 0;
const source = () => \`function f() { return 1; } f(); // \${String(n++).padStart(4, "0")}\`;
const make = () => new Script(source()).createCachedData();
const takes = (cachedData) => !new Script(source(), { cachedData }).cachedDataRejected;
const out = {};
const untunedCache = make();
tuneV8();
const tunedCache = make();
out.tunedRefusesUntuned = !takes(untunedCache);
out.tunedTakesTuned = takes(tunedCache);
const close1 = untunedWhile();
const close2 = untunedWhile();
out.windowTakesUntuned = takes(untunedCache);
out.windowRefusesTuned = !takes(tunedCache);
out.withTunedTakesTuned = withTunedFlags(() => takes(tunedCache));
out.windowStillUntuned = takes(untunedCache);
close1();
close1();
out.oneWindowOpen = takes(untunedCache);
close2();
out.allClosedTuned = takes(tunedCache) && !takes(untunedCache);
console.log(JSON.stringify(out));
`;

describe("V8 flags", () => {
  it("tunes, opens windows of V8's defaults (nested, closed once each), and tunes for one call", () => {
    const out = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", SCRIPT], { encoding: "utf8" }),
    );
    expect(out).toEqual({
      tunedRefusesUntuned: true,
      tunedTakesTuned: true,
      windowTakesUntuned: true,
      windowRefusesTuned: true,
      withTunedTakesTuned: true,
      windowStillUntuned: true,
      oneWindowOpen: true,
      allClosedTuned: true,
    });
  });
});
