import type { Finding } from "../../report/types.js";
import type { Probe, ProbeContext, ProbeOutput } from "../types.js";
import { NO_TOKEN, sendRefusals, type RefusalCase } from "../support/refusals.js";
import { judgeRefusal } from "../support/unauthorized.js";

export const probe: Probe = {
  id: "auth.no-token",
  family: "auth",
  step: 2,
  title: "Requests without a token are refused",
  description:
    "Sends a valid request for every secured operation without an Authorization header. Each must get 401 or 403 with a JSON error body: never data, never an HTML login page.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    return refusalRun(ctx, this.id, [NO_TOKEN]);
  },
};

/** Sends each case's requests (see support/refusals.ts) and judges every answer. */
export async function refusalRun(ctx: ProbeContext, checkId: string, cases: RefusalCase[]): Promise<ProbeOutput> {
  const findings: Finding[] = [];
  let tried = 0;
  let secured = 0;
  /** Operations that already answered data to an earlier case: the same finding again would add nothing. */
  const open = new Set<string>();
  for (const c of cases) {
    const r = await sendRefusals(ctx, c);
    secured = r.secured;
    tried = Math.max(tried, r.sent.length);
    for (const s of r.sent) {
      const status = s.ex.response?.status ?? 0;
      const ok = status >= 200 && status < 300;
      if (ok && open.has(s.op.key)) continue;
      if (ok) open.add(s.op.key);
      findings.push(...judgeRefusal(ctx, checkId, s.op, s.ex, c, s.company));
    }
  }
  if (secured === 0) return { findings: [], skip: "The spec declares no secured operation." };
  if (tried === 0) return { findings, skip: "No company to build requests with (see schema.user-info, or pass --company)." };
  const how = cases.length === 1 ? "the request" : `each of the ${cases.length} requests (${cases.map((c) => c.what).join("; ")})`;
  return { findings, summary: findings.length === 0 ? `All ${tried} secured operations refused ${how} with a JSON error.` : undefined };
}
