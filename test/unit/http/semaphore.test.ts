import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/cli.js";
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

  it("hands out no slot during a pause, then serves the retries first; open() ends the pause at once", async () => {
    let now = 0;
    const s = new Semaphore(2, () => now);
    const order: string[] = [];
    const take = (name: string, first = false) => s.acquire(first).then((release) => (order.push(name), release));
    const inFlight = await s.acquire();
    s.closeUntil(50);
    const [a, b, r1, r2] = [take("a"), take("b"), take("r1", true), take("r2", true)];
    inFlight(); // a slot freed during the pause stays free
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    now = 60; // the pause's own timer (50 ms) then hands out both slots
    for (const release of await Promise.all([r1, r2])) release();
    for (const release of await Promise.all([a, b])) release();
    expect(order).toEqual(["r1", "r2", "a", "b"]);

    s.closeUntil(10_000);
    const c = take("c");
    s.open();
    (await c)();
    expect(order.at(-1)).toBe("c");
  });

  it("lets the process end during a pause nobody waits for, and holds it while somebody does", () => {
    // Built code (npm test builds first): a process whose last answer asked for a 30 s pause.
    const module = JSON.stringify(join(ROOT, "dist", "http", "semaphore.js"));
    const idle = spawnSync(process.execPath, ["-e", `import(${module}).then(({ Semaphore }) => new Semaphore(1).closeUntil(performance.now() + 30000))`], { timeout: 20_000 });
    expect(idle.status, String(idle.stderr)).toBe(0);
    const waiting = spawnSync(
      process.execPath,
      ["-e", `import(${module}).then(async ({ Semaphore }) => { const s = new Semaphore(1); s.closeUntil(performance.now() + 300); const t = performance.now(); (await s.acquire())(); console.log(Math.round(performance.now() - t)); })`],
      { timeout: 20_000, encoding: "utf8" },
    );
    expect(waiting.status, waiting.stderr).toBe(0);
    expect(Number(waiting.stdout)).toBeGreaterThanOrEqual(290);
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
