import { describe, expect, it } from "vitest";
import { Semaphore } from "../../../src/http/semaphore.js";

describe("Semaphore", () => {
  it("serves retries first, oldest first, then the other waiters in order of arrival", async () => {
    const s = new Semaphore(1);
    const order: string[] = [];
    const holder = await s.acquire();
    const waiter = (name: string, first = false) =>
      s.acquire(first).then((release) => {
        order.push(name);
        release();
      });
    const all = [waiter("a"), waiter("r1", true), waiter("b"), waiter("r2", true), waiter("r3", true)];
    holder();
    await Promise.all(all);
    expect(order).toEqual(["r1", "r2", "r3", "a", "b"]);
  });

  it("never has more holders than its limit", async () => {
    const s = new Semaphore(3);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.acquire(i % 3 === 0).then(async (release) => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 1));
          inside--;
          release();
        }),
      ),
    );
    expect(most).toBe(3);
  });
});
