import { describe, expect, it } from "vitest";
import { byteBudget } from "../../src/store/add.js";

describe("byteBudget", () => {
  it("lets amounts through while they fit and queues the rest in order", async () => {
    const budget = byteBudget(100);
    const order: string[] = [];
    await budget.take(60);
    const b = budget.take(50).then(() => order.push("b"));
    const c = budget.take(10).then(() => order.push("c"));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]); // c fits, but waits behind b: first come, first served
    budget.give(60);
    await Promise.all([b, c]);
    expect(order).toEqual(["b", "c"]);
  });

  it("lets an amount larger than the budget through alone", async () => {
    const budget = byteBudget(100);
    await budget.take(500);
    let second = false;
    const next = budget.take(1).then(() => {
      second = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBe(false);
    budget.give(500);
    await next;
    expect(second).toBe(true);
  });
});
