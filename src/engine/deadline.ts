/**
 * The deadline of a whole run (--deadline). When it passes, the HTTP client aborts the requests in
 * flight and sends no more; the check that was running ends with a finding naming the operations
 * it was waiting for, every later check is skipped with the reason, and the report is still
 * written. A run cut short is not ready: readiness was not shown.
 */
import type { LatencySample } from "../http/types.js";
import type { Finding, OperationRef } from "../report/types.js";

export interface RunDeadline {
  /** Aborts when the deadline passes. */
  signal: AbortSignal;
  /** The deadline as given, for messages. */
  ms: number;
}

/** Starts the clock of a run's deadline; `stop` clears the timer when the run ends first. */
export function startDeadline(ms: number): RunDeadline & { stop(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  // The timer alone must not keep the process alive once the report is out.
  timer.unref?.();
  return { signal: controller.signal, ms, stop: () => clearTimeout(timer) };
}

const PASSED = Symbol("deadline passed");

/** The probe's result, or PASSED when the deadline passes first (the probe is left to wind down). */
export function raceDeadline<T>(work: Promise<T>, deadline: RunDeadline | undefined): Promise<T | typeof PASSED> {
  if (!deadline) return work;
  if (deadline.signal.aborted) {
    work.catch(() => undefined);
    return Promise.resolve(PASSED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      // Whatever the abandoned probe does later is of no interest, a rejection included.
      work.catch(() => undefined);
      resolve(PASSED);
    };
    deadline.signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        deadline.signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        deadline.signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

export function isPassed(value: unknown): value is typeof PASSED {
  return value === PASSED;
}

export function skippedByDeadline(deadline: RunDeadline): string {
  return `Skipped: the run's deadline (--deadline ${deadline.ms} ms) passed before this check could run.`;
}

export function cutByDeadline(deadline: RunDeadline): string {
  return `Stopped: the run's deadline (--deadline ${deadline.ms} ms) passed while this check ran; its requests were aborted.`;
}

const key = (op: OperationRef) => `${op.method.toUpperCase()} ${op.path}`;

/**
 * The finding of the check that was running when the deadline passed, on the operations whose
 * requests were cut off (`samples`: the requests this check sent).
 */
export function deadlineFinding(checkId: string, deadline: RunDeadline, samples: readonly LatencySample[]): Finding {
  const cut = new Map<string, OperationRef>();
  for (const s of samples) if (s.error === "deadline" && s.operation) cut.set(key(s.operation), s.operation);
  const ops = [...cut.values()];
  const names = ops.map(key);
  const f: Finding = {
    code: `${checkId}/deadline`,
    severity: "fail",
    message:
      `The run's deadline of ${deadline.ms} ms passed before this check finished` +
      (names.length > 0 ? `; requests to ${names.slice(0, 5).join(", ")}${names.length > 5 ? ` and ${names.length - 5} more operations` : ""} were still waiting for an answer and were aborted.` : "."),
    rule: {
      ref: "reach:developer-checklist#behaviour-and-stability",
      text: "Endpoints answer reliably and within about 1-2 seconds under typical conditions, so a sync finishes in its window.",
    },
    fix: "Find the slow requests (latency check, transport findings, your server logs) and make them answer faster; or give the run more time with --deadline.",
    evidence: { expected: `the whole run within ${deadline.ms} ms`, actual: names.length > 0 ? `aborted: ${names.join(", ")}` : "the check had not finished" },
  };
  if (ops.length > 0) f.operation = { method: ops[0].method, path: ops[0].path };
  return f;
}

/** A moment for the requests aborted by the deadline to settle, so the finding can name them. */
export function afterAborts(ms = 100): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
