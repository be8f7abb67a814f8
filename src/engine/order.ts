import type { Probe } from "../probes/types.js";
import { byCodeUnits } from "../util/compare.js";

/**
 * Execution order: every check after the checks it names in `after` and `orderAfter`; otherwise by family order,
 * then id, so runs are deterministic.
 */
export function executionOrder(probes: readonly Probe[], familyOrder: readonly string[]): Probe[] {
  const rank = (p: Probe) => {
    // A check that may end the run's access token comes after all the others (see spendsToken).
    if (p.spendsToken) return familyOrder.length + 1;
    const i = familyOrder.indexOf(p.family);
    return i === -1 ? familyOrder.length : i;
  };
  const byId = new Map(probes.map((p) => [p.id, p]));
  // The checks each one waits for, among those present (a named check that is absent waits for nothing).
  const waitsFor = new Map(probes.map((p) => [p, [...(p.after ?? []), ...(p.orderAfter ?? [])].filter((d) => byId.has(d))]));
  const remaining = [...probes].sort((a, b) => rank(a) - rank(b) || byCodeUnits(a.id, b.id));
  const done = new Set<string>();
  const out: Probe[] = [];
  while (remaining.length > 0) {
    const idx = remaining.findIndex((p) => waitsFor.get(p)!.every((d) => done.has(d)));
    if (idx === -1) throw new Error(`Checks depend on each other in a cycle: ${remaining.map((p) => p.id).join(", ")}`);
    const [next] = remaining.splice(idx, 1);
    out.push(next);
    done.add(next.id);
  }
  return out;
}
