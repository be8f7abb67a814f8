/**
 * Requests the run's request budget (--max-requests) kept from being sent. Each probe reports such a
 * request like any request without an answer (`transportFinding`, code `<check>/not-sent`); a run
 * cut short by the budget can leave hundreds of them, none the partner's doing. The engine folds a
 * check's findings of that code into one that says how many requests were not sent and to which
 * operations, so the report stays readable and no curl line suggests a partner fault.
 */
import { NOT_SENT, RULES } from "../probes/support/findings.js";
import type { Finding } from "../report/types.js";

const opKey = (f: Finding) => (f.operation ? `${f.operation.method.toUpperCase()} ${f.operation.path}` : "");

/** `findings` with every `<checkId>/not-sent` finding folded into one, in the place of the first. */
export function foldNotSent(checkId: string, findings: Finding[]): Finding[] {
  const code = `${checkId}/${NOT_SENT}`;
  const unsent = findings.filter((f) => f.code === code);
  if (unsent.length <= 1) return findings;

  const byOp = new Map<string, number>();
  for (const f of unsent) byOp.set(opKey(f), (byOp.get(opKey(f)) ?? 0) + 1);
  const ops = [...byOp.keys()].filter((k) => k !== "");
  const companies = new Set(unsent.map((f) => f.company));
  const [first] = unsent;
  const folded: Finding = {
    code,
    severity: "fail",
    message:
      `${unsent.length} requests of this check were not sent: the run's request budget (--max-requests) was used up` +
      (ops.length > 0 ? `, so ${ops.length === 1 ? "one operation was" : `${ops.length} operations were`} not checked.` : "."),
    rule: RULES.budget,
    fix: "reach-check did not send these requests: the run's request budget was used up. Raise --max-requests (and look for lists that never end or requests repeated without need).",
    evidence: {
      expected: "every request of the check sent and answered",
      actual: `not sent: ${[...byOp].map(([op, n]) => (n === 1 ? op : `${op} (${n} requests)`)).join(", ")}`,
    },
  };
  if (first.operation) folded.operation = first.operation;
  if (companies.size === 1 && first.company !== undefined) folded.company = first.company;
  const out: Finding[] = [];
  for (const f of findings) {
    if (f.code !== code) out.push(f);
    else if (f === first) out.push(folded);
  }
  return out;
}
