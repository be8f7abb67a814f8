/**
 * Which check a request is sent for. The engine runs each check inside `runAs(checkId, …)`; the
 * HTTP client notes the current owner on every request it sends, so the engine can count a
 * check's own requests while several checks run side by side. Requests a check starts for data
 * shared with other checks belong to the check that started them.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const owner = new AsyncLocalStorage<string>();

export function runAs<T>(checkId: string, work: () => Promise<T>): Promise<T> {
  return owner.run(checkId, work);
}

/** The check the current code runs for, if any. */
export function currentOwner(): string | undefined {
  return owner.getStore();
}
