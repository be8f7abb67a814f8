/**
 * Bounds how many requests are in flight, and holds every waiter while the partner asked for a
 * pause (Retry-After). Waiters are served first come, first served, except that a waiter may ask to
 * go first: retries the partner asked to wait for go ahead of every other waiter when the pause
 * ends, first come, first served among themselves (the oldest retry is never pushed back by a newer
 * one, nor by a request that would have taken a slot during the pause).
 */
export class Semaphore {
  private active = 0;
  private readonly first: Array<() => void> = [];
  private readonly waiting: Array<() => void> = [];
  private closedUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** No slot is handed out before `until` (on `clock`); requests already holding one go on. */
  closeUntil(until: number): void {
    if (until <= this.closedUntil) return;
    this.closedUntil = until;
    this.schedule();
  }

  /** Ends any pause now (the run's deadline passed: the waiters go on and find it). */
  open(): void {
    this.closedUntil = 0;
    this.drain();
  }

  async acquire(first = false): Promise<() => void> {
    if (this.active < this.limit && !this.closed() && this.first.length === 0 && this.waiting.length === 0) {
      this.active++;
    } else {
      // The pause's timer now keeps the process alive: somebody waits for it.
      this.timer?.ref();
      // drain() counts the slot for the waiter it wakes, so `active` never dips below the true count.
      await new Promise<void>((resolve) => (first ? this.first : this.waiting).push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.drain();
    };
  }

  private closed(): boolean {
    return this.clock() < this.closedUntil;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    // A timer may fire a little before the clock reaches the end of the pause: it then waits again.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed()) this.schedule();
      else this.drain();
    }, Math.max(1, Math.ceil(this.closedUntil - this.clock())));
    // A pause nobody waits for (the run's last answer was a 429) must not hold the process open.
    if (this.first.length === 0 && this.waiting.length === 0) this.timer.unref();
  }

  private drain(): void {
    if (this.closed()) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.active < this.limit) {
      const next = this.first.shift() ?? this.waiting.shift();
      if (!next) return;
      this.active++;
      next();
    }
  }
}
