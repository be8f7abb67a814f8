/**
 * Bounds how many requests are in flight. Waiters are served first come, first served, except that
 * a waiter may ask to go first: retries the partner asked to wait for go ahead of every other
 * waiter, first come, first served among themselves (the oldest retry is never pushed back by a
 * newer one).
 */
export class Semaphore {
  private active = 0;
  private readonly first: Array<() => void> = [];
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(first = false): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
    } else {
      // The releaser hands its slot over directly, so `active` never dips below the true count.
      await new Promise<void>((resolve) => (first ? this.first : this.waiting).push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.first.shift() ?? this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
