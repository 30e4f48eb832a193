// PEP 700 upload-time in JSON pages: whatever RFC 3339 form the catalog holds, clients get
// `yyyy-mm-ddThh:mm:ss[.ffffff]Z` in UTC, or no key.
// Expected UTC instants were checked with Python 3.11:
//   datetime.fromisoformat(s).astimezone(timezone.utc).isoformat()
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SIMPLE_JSON } from "../../src/pep/simple-types.js";
import { createApp } from "../../src/serve/app.js";
import { formatUploadTime } from "../../src/serve/upload-time.js";
import { commitProject } from "../../src/store/commit.js";
import { stageDistribution } from "../../src/store/stage.js";
import { closeStore, openStore } from "../../src/store/store.js";
import { readJson } from "../helpers/json.js";
import { buildWheel } from "../helpers/wheels.js";

describe("formatUploadTime", () => {
  it.each([
    // already PEP 700: kept as written, microseconds included
    ["2024-05-01T12:00:00.123456Z", "2024-05-01T12:00:00.123456Z"],
    ["2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z"],
    // offsets move to UTC, across days and a leap day
    ["2024-05-01T14:00:00.123456+02:00", "2024-05-01T12:00:00.123456Z"],
    ["2024-01-01T00:30:00-01:00", "2024-01-01T01:30:00Z"],
    ["2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00Z"],
    ["2024-05-01T12:00:00+00:00", "2024-05-01T12:00:00Z"],
    // other RFC 3339 spellings
    ["2024-05-01t12:00:00z", "2024-05-01T12:00:00Z"],
    ["2024-05-01 12:00:00Z", "2024-05-01T12:00:00Z"],
    // more than 6 fraction digits are cut, not rounded
    ["2024-05-01T12:00:00.123456789Z", "2024-05-01T12:00:00.123456Z"],
    ["2024-05-01T12:00:00.9999999Z", "2024-05-01T12:00:00.999999Z"],
    // not a date-time with an offset: no upload-time at all
    ["2024-05-01T12:00:00", undefined],
    ["2024-05-01", undefined],
    ["2024-02-30T00:00:00Z", undefined],
    ["2024-05-01T24:00:00Z", undefined],
    ["2024-05-01T12:00:00+24:00", undefined],
    ["yesterday", undefined],
    ["", undefined],
  ])("%j -> %j", (input, expected) => {
    expect(formatUploadTime(input)).toBe(expected);
  });

  it("gives the same instant, in PEP 700 form, for any offset", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1970-01-02T00:00:00Z"), max: new Date("9998-12-30T00:00:00Z") }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (instant, offset) => {
          fc.pre(!Number.isNaN(instant.getTime()));
          const shifted = new Date(instant.getTime() + offset * 60_000).toISOString();
          const sign = offset < 0 ? "-" : "+";
          const abs = Math.abs(offset);
          const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
          const written = `${shifted.slice(0, 23)}${sign}${hhmm}`;
          expect(formatUploadTime(written)).toBe(instant.toISOString());
        },
      ),
    );
  });
});

describe("upload-time in a JSON project page", () => {
  it("is rewritten to UTC with Z, or left out when the catalog holds no date-time", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wh-serve-time-"));
    const store = await openStore(join(dir, "store"));
    try {
      const times = ["2024-05-01T14:00:00.123456+02:00", "not a time"];
      const staged = [];
      for (const [i, uploadTime] of times.entries()) {
        const wheel = await buildWheel({ name: "timed", version: `1.${i}` });
        staged.push(
          await stageDistribution(store, wheel.bytes, { filename: wheel.filename, uploadTime }),
        );
      }
      commitProject(store, staged);
      const res = await createApp({ store }).request("/simple/timed/", {
        headers: { Accept: SIMPLE_JSON },
      });
      const doc = await readJson(res);
      expect(doc.files.map((f: { "upload-time"?: string }) => f["upload-time"])).toEqual([
        "2024-05-01T12:00:00.123456Z",
        undefined,
      ]);
    } finally {
      closeStore(store);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
