import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import { hierarchyIssues } from "../support/accuracy.js";
import { makeFinding } from "../support/findings.js";
import { chartOperation, listSome, sharedSync } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";
import { shortWalk } from "../../engine/sync.js";

export const probe: Probe = {
  id: "accuracy.hierarchy",
  family: "accuracy",
  step: 4,
  title: "Parent references resolve and form no cycle",
  description:
    "For every list with a parent field (chart of accounts, classes, departments), checks that each parent id names a record of the same company's list and that following parents never loops: Reach builds its report trees from these references.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    const ops = ctx.contract.operations.filter((o) => o.profile.role === "list" && o.profile.idField && o.profile.parentField);
    if (ops.length === 0) return { findings: [], skip: "The spec has no list with a parent field." };
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const chart = chartOperation(ctx);
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    let judged = 0;
    for (const c of pass.companies) {
      for (const walk of c.lists) {
        const op = walk.operation;
        if (!ops.includes(op) || !walk.complete) continue; // a partial list cannot tell an unknown parent
        // Nor can one whose pages end before the total they announce (pagination.walk's finding).
        const { paginationField, totalField } = ctx.contract.profile.pagination;
        if (shortWalk(walk, paginationField, totalField)) continue;
        judged++;
        const idField = op.profile.idField!;
        const parentField = op.profile.parentField!;
        const issues = hierarchyIssues(walk.records, idField, parentField);
        // The spec model states the account rules; for other lists a break is a warning.
        const severity = op === chart ? "fail" : "warn";
        const rule =
          op === chart
            ? { ref: "spec-model:chart-of-accounts", text: `${parentField} refers to a ${op.profile.name} record of the same company, and the hierarchy has no cycles.` }
            : {
                ref: "reach-check:parent-references",
                text: `${parentField} refers to a ${op.profile.name} record of the same company, and the hierarchy has no cycles: what SPEC_MODEL states for the chart of accounts, read by reach-check for this list too (hence a warning).`,
              };
        if (issues.unknownParents.length > 0) {
          const first = issues.unknownParents[0];
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/unknown-parent`,
              severity,
              message: `In the ${op.profile.name} of ${c.company}, ${issues.unknownParents.length} record${issues.unknownParents.length === 1 ? " names" : "s name"} a ${parentField} that the list does not hold: ${listSome(issues.unknownParents.map((u) => `${u.id} → ${u.parent}`))}.`,
              rule,
              fix: `Return every record that is referenced as a parent (inactive ones too), or set ${parentField} to null for top-level records.`,
              operation: op,
              company: c.company,
              pointer: `/${ctx.contract.profile.pagination.dataField}/${first.index}/${parentField}`,
              exchange: walk.pages[0],
              evidence: { expected: `${parentField} null or an ${idField} of the list`, actual: listSome(issues.unknownParents.map((u) => u.parent)) },
            }),
          );
        }
        if (issues.cycles.length > 0) {
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/cycle`,
              severity,
              message: `The ${op.profile.name} of ${c.company} has ${issues.cycles.length} parent cycle${issues.cycles.length === 1 ? "" : "s"}: ${listSome(issues.cycles.map((cy) => [...cy, cy[0]].join(" → ")), 3)}.`,
              rule,
              fix: `Fix ${parentField} so that following parents always ends at a top-level record (null parent).`,
              operation: op,
              company: c.company,
              exchange: walk.pages[0],
              evidence: { expected: "a tree (no record is its own ancestor)", actual: issues.cycles.map((cy) => cy.join(" → ")).slice(0, 3).join("; ") },
            }),
          );
        }
      }
    }
    if (judged === 0) return { findings: [], skip: "No list with a parent field could be read to its end (see schema.reference-lists)." };
    return { findings, summary: findings.length === 0 ? `${judged} hierarchical lists: every parent resolves, no cycle.` : undefined };
  },
};
