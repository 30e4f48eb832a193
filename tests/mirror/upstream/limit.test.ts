import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLimit } from "../../../src/mirror/upstream/limit.js";

describe("createLimit", () => {
  it("never runs more than n tasks at once and returns every result, failures included", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { maxLength: 30 }),
        async (n, tasks) => {
          const limit = createLimit(n);
          let active = 0;
          let peak = 0;
          const results = await Promise.allSettled(
            tasks.map(([delay, fails], i) =>
              limit(async () => {
                active++;
                peak = Math.max(peak, active);
                await new Promise((r) => setTimeout(r, delay));
                active--;
                if (fails) throw new Error(String(i));
                return i;
              }),
            ),
          );
          expect(peak).toBeLessThanOrEqual(n);
          results.forEach((r, i) => {
            if (tasks[i][1]) expect(r.status).toBe("rejected");
            else expect(r).toEqual({ status: "fulfilled", value: i });
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("refuses a limit below 1", () => {
    expect(() => createLimit(0)).toThrow(RangeError);
  });
});
