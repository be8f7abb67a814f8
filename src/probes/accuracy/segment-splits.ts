import type { Finding } from "../../report/types.js";
import type { Probe } from "../types.js";
import type { RowTable } from "../../engine/row-table.js";
import type { StatementFetch } from "../../engine/sync.js";
import { parentMap } from "../../engine/sync.js";
import { CENT, ignoredAmong, ignoredBeside, isAncestor } from "../support/accuracy.js";
import { failedFor, makeFinding } from "../support/findings.js";
import { listSome, sharedSync } from "../support/sync-data.js";
import { NO_COMPANY } from "../support/skips.js";
import { liveMonths } from "../../util/dates.js";

export const probe: Probe = {
  id: "accuracy.segment-splits",
  family: "accuracy",
  step: 4,
  title: "Class and department splits are real and add up",
  description:
    "Compares the sync's profit and loss split by each budget, class and department with the unsplit one: a filter whose result is the unfiltered statement for unrelated ids is ignored (failure); class or department splits that do not sum to the whole leave a remainder (warning: an unclassified or unassigned remainder is legal).",
  after: ["reachability.connection"],
  // Unreadable values the schema checks found explain a class remainder: their verdicts are read here.
  orderAfter: ["schema.statements", "schema.statement-filters"],
  blockedByFailure: true,
  async run(ctx) {
    if (ctx.companies.length === 0) return { findings: [], skip: NO_COMPANY };
    const names = ctx.contract.profile.parameters;
    const pass = await sharedSync(ctx);
    const findings: Finding[] = [];
    const notes: string[] = [];
    const live = liveMonths(ctx.now);
    let judged = 0;
    /** Splits equal to the unsplit statement that do not show an ignored filter (a lone class holding everything). */
    let equalToWhole = 0;
    /** Unsplit statements with rows but no Amount that is a number: any split "equals" them and every sum is 0. */
    const noAmounts: { company: string; param: string }[] = [];
    for (const c of pass.companies) {
      // Rows of accounts the chart does not list are accuracy.known-accounts' finding; the sync's fold leaves them out here.
      const chart = c.chart;
      for (const param of [names.budgetId, names.classId, names.departmentId]) {
        const splits = c.statements.filter((s) => s.split?.parameter === param);
        if (splits.length === 0) continue;
        const op = splits[0].op;
        const whole = c.statements.find((s) => !s.split && s.op.key === op.key && s.query.basis === splits[0].query.basis);
        const wholeRows = whole?.fold.table;
        if (!whole || !wholeRows) continue;
        const usable = splits.filter((s) => s.fold.usable && s.fold.sameAsWhole !== undefined);
        if (usable.length === 0) continue;
        // Amounts the row reader could not take as numbers (strings, say) read as nothing on both
        // sides: every split would equal the whole and every class sum would be 0. Not judged.
        if (wholeRows.length > 0 && !hasReadableAmount(wholeRows)) {
          noAmounts.push({ company: c.company, param });
          continue;
        }
        judged++;
        const list = splits[0].split!.list;
        const walk = c.lists.find((w) => w.operation.key === list.key);
        const parentOf = walk ? parentMap(list, walk) : new Map<string, string | null>();
        const same = usable.filter((s) => s.fold.sameAsWhole).map((s) => s.split!.id);
        const busy = hasActivity(wholeRows, chart?.ids);
        const ignored = busy ? ignoredAmong(same, parentOf) : undefined;
        // One class or department equal to the whole while another, outside its branch, has activity
        // of its own: that one filter is ignored (a budget is no segment: budgets may each repeat the actuals).
        const beside =
          busy && !ignored && param !== names.budgetId
            ? ignoredBeside(
                same,
                usable.filter((s) => s.fold.active).map((s) => s.split!.id),
                parentOf,
              )
            : undefined;
        if (beside) {
          const shown = splits.find((s) => s.split!.id === beside.id)!;
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/filter-ignored`,
              severity: "fail",
              message: `The ${op.profile.name} of ${c.company} (${whole.query.basis}) with ${param} = ${beside.id} is the same as without a filter, although ${param} = ${beside.other} (neither its parent nor its child in the ${list.profile.name}) has figures of its own: ${param} = ${beside.id} is ignored, and Reach would show the whole company's figures as ${beside.id}'s.`,
              rule: {
                ref: "spec-model:accounting-facts",
                text: `${param} filters the statement to that ${list.profile.name.replace(/s$/, "")}; one ${list.profile.name.replace(/s$/, "")} cannot hold all of the company's activity while another outside it holds some.`,
              },
              fix: `Apply ${param} = ${beside.id} when selecting the postings behind the statement rows (look for a mapping of that id that falls back to no filter); if ${beside.id} is meant to contain ${beside.other}, give ${beside.other} its parent in the ${list.profile.name} list.`,
              operation: op,
              company: c.company,
              exchange: shown.exchange,
              evidence: { expected: `figures of ${param}=${beside.id} only`, actual: `the unfiltered figures, while ${param}=${beside.other} has figures of its own` },
            }),
          );
          continue;
        }
        if (!ignored) equalToWhole += same.length;
        // Two classes or departments, neither inside the other, with the same figures row for row:
        // one of them is answered with the other's (a sub-class falling back to its parent, say).
        const twin = param !== names.budgetId ? twinSplits(usable, parentOf) : undefined;
        if (twin) {
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/split-duplicated`,
              severity: "fail",
              message: `The ${op.profile.name} of ${c.company} (${whole.query.basis}) is the same, row for row, with ${param} = ${twin[0].split!.id} and with ${param} = ${twin[1].split!.id}, neither of which holds the other in the ${list.profile.name} list, and both have figures: one of the two is answered with the other's figures.`,
              rule: {
                ref: "spec-model:accounting-facts",
                text: `${param} filters the statement to that ${list.profile.name.replace(/s$/, "")}; two ${list.profile.name} outside each other's branch hold different postings.`,
              },
              fix: `Select the postings of exactly the ${param} asked for; check how ${twin[1].split!.id} is mapped (a sub-${list.profile.name.replace(/s$/, "")} that falls back to its parent, or two ids mapped to one segment).`,
              operation: op,
              company: c.company,
              exchange: twin[1].exchange,
              evidence: { expected: `different figures for ${twin[0].split!.id} and ${twin[1].split!.id}`, actual: "the same rows" },
            }),
          );
        }
        if (ignored) {
          const shown = splits.find((s) => s.split!.id === ignored[0])!;
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/filter-ignored`,
              severity: "fail",
              message: `The ${op.profile.name} of ${c.company} (${whole.query.basis}) is the same with ${param} = ${listSome(ignored, 4)} as without a filter: ${param} is ignored.`,
              rule: {
                ref: "spec-model:accounting-facts",
                text: `${param} filters the statement to that ${list.profile.name.replace(/s$/, "")}; different ${list.profile.name} cannot each hold all of the company's activity.`,
              },
              fix: `Apply ${param} when selecting the postings behind the statement rows.`,
              operation: op,
              company: c.company,
              exchange: shown.exchange,
              evidence: { expected: `figures of ${param}=${ignored[0]} only`, actual: "the unfiltered figures" },
            }),
          );
          continue;
        }
        // A budget equal to the actuals in every month: the actuals answered for that BudgetId (with a
        // single budget nothing else shows an ignored filter), or a forecast seeded with the actuals
        // of closed months, which is allowed. Said, not judged.
        if (param === names.budgetId && same.length > 0 && hasActivity(wholeRows, chart?.ids)) {
          const shown = splits.find((s) => s.split!.id === same[0])!;
          findings.push(
            makeFinding(ctx, {
              code: `${this.id}/budget-is-actuals`,
              severity: "info",
              message: `The ${op.profile.name} of ${c.company} (${whole.query.basis}) with ${param} = ${listSome(same, 4)} equals the unfiltered statement (the actuals) row for row over ${whole.query.start} to ${whole.query.end}: either ${param} is ignored and the actuals are answered, or the budget is a forecast seeded with the actuals.`,
              rule: {
                ref: "spec-model:accounting-facts",
                text: `${param} selects a budget's figures, which are set ahead of time and are separate from the actuals.`,
              },
              fix: `Nothing to do if this budget is a forecast that repeats the actuals of closed months. Otherwise answer a statement asked with ${param} from that budget's figures, not from the postings.`,
              operation: op,
              company: c.company,
              exchange: shown.exchange,
              evidence: { expected: `figures of ${param}=${same[0]}`, actual: "the actuals, row for row" },
            }),
          );
        }
        if (param !== names.classId && param !== names.departmentId) continue;
        const segment = param === names.classId ? "class" : "department";
        const segments = param === names.classId ? "classes" : "departments";
        // A sum over some of the segments says nothing: a failed split is reliability.rehearsal's finding.
        const rest = c.splitRemainders.get(param);
        if (!rest) continue;
        if (usable.length < splits.length) {
          notes.push(`${c.company}: ${segment} sum not judged (${splits.length - usable.length} ${segment} splits unreadable)`);
          continue;
        }
        // The current month may move between the unsplit request and the split requests (a live
        // ledger): a remainder there alone is not judged.
        const byPeriod = rest.byPeriod.filter((p) => !live.has(p.period));
        const cells = Object.entries(rest.cellsByPeriod).reduce((n, [period, k]) => (live.has(period) ? n : n + k), 0);
        if (cells === 0 || byPeriod.length === 0) {
          const moved = rest.cells > 0 ? ` (the current month aside, ${[...live].filter((p) => rest.cellsByPeriod[p]).join(", ")}, which moved while it was read)` : "";
          notes.push(`${c.company}: ${usable.length} ${usable.length === 1 ? `${segment} sums` : `${segments} sum`} to the whole${moved}`);
          continue;
        }
        const shown = byPeriod.map((p) => `${p.period}: ${p.difference.toFixed(2)}`);
        // Values the schema checks could not read (an Amount as a string, a Period in another form)
        // count as 0 or as another month here: a remainder may be nothing more than that.
        const fields = [op.profile.amountField ?? "Amount", op.profile.periodField ?? "Period"];
        const unreadable = failedFor(ctx, ["schema.statements", "schema.statement-filters"], c.company, (at) => fields.some((x) => at.endsWith(`/${x}`)));
        const knockOn = unreadable
          ? ` Some of this company's statement rows have an ${fields.join(" or ")} the schema checks could not read (schema.statements, schema.statement-filters): read as 0 or as another month here, they may make this remainder.`
          : "";
        findings.push(
          makeFinding(ctx, {
            code: `${this.id}/${segment}-remainder`,
            severity: "warn",
            message: `The ${op.profile.name} of ${c.company} (${whole.query.basis}) split by its ${usable.length} ${usable.length === 1 ? segment : segments} does not add up to the unsplit one: ${cells} account-month${cells === 1 ? " differs" : "s differ"}; remainder by period ${listSome(shown, 6)}. An ${segment === "class" ? "unclassified" : "unassigned"} remainder is legal; a remainder you do not expect means postings are lost or counted twice.${knockOn}`,
            rule:
              segment === "class"
                ? {
                    ref: "spec-model:accounting-facts",
                    text: "Where classes are used, the class-filtered profit-and-loss rows summed over all classes equal the unfiltered ones (a difference is a warning: an unclassified remainder is legal).",
                  }
                : {
                    ref: "reach-check:department-sums",
                    text: "Where departments are used, Reach needs the actuals at department level (Reach's FAQ): the department-filtered profit-and-loss rows summed over all departments equal the unfiltered ones, as SPEC_MODEL states for classes (a difference is a warning: an unassigned remainder is legal).",
                  },
            fix: unreadable
              ? `Fix the values the schema checks name first (every Amount a JSON number, every Period YYYY-MM), then compare again; if a remainder stays and is not ${segment === "class" ? "unclassified" : "unassigned"} activity, make the ${segment} filter select exactly the postings tagged with that ${segment}.`
              : `If the remainder is not ${segment === "class" ? "unclassified" : "unassigned"} activity, make the ${segment} filter select exactly the postings tagged with that ${segment} (or, for a parent ${segment}, consistently with its children).`,
            operation: op,
            company: c.company,
            exchange: whole.exchange,
            evidence: { expected: `unsplit − Σ ${segments} (${rest.summed === "all" ? `every ${segment}` : `top-level ${segments}`}) = 0`, actual: listSome(shown, 12) },
          }),
        );
      }
    }
    if (findings.length === 0 && notes.length === 0 && !pass.companies.some((c) => c.statements.some((s) => s.split))) {
      // Lists that could not be read are not empty lists.
      const unread = pass.companies.flatMap((c) =>
        c.lists.filter((w) => w.operation.profile.feedsParameter !== undefined && w.records.length === 0 && !w.complete).map((w) => `${w.operation.profile.name} of ${c.company}`),
      );
      if (unread.length > 0) return { findings: [], skip: `No split could be asked for: the ${listSome(unread, 6)} could not be read (see schema.reference-lists).` };
      return { findings: [], skip: "No company has budgets, classes or departments to split by." };
    }
    const amountsNote =
      noAmounts.length > 0 ? `; not judged, no Amount in the unsplit statement being a number (see schema.statements): ${listSome(noAmounts.map((u) => `${u.company} (${u.param})`), 6)}` : "";
    if (judged === 0 && noAmounts.length > 0) {
      return {
        findings,
        skip: `No split could be judged: no Amount in the unsplit statements of ${listSome([...new Set(noAmounts.map((u) => u.company))], 6)} is a number (see schema.statements).`,
        blockedBy: "schema.statements found Amount values that are not numbers",
      };
    }
    // Splits were asked for, but none could be set beside a readable unsplit statement.
    if (judged === 0) {
      return { findings, skip: "No split statement could be compared with the unsplit one: the split or unsplit requests gave no usable statement (see schema.statements and reliability.rehearsal)." };
    }
    const equal =
      equalToWhole === 0 ? "every split differs from the whole" : `no filter is ignored (${equalToWhole} split${equalToWhole === 1 ? " equals" : "s equal"} the whole where one id can hold all of the activity)`;
    return {
      findings,
      summary: findings.every((f) => f.severity === "info") ? `${equal.charAt(0).toUpperCase()}${equal.slice(1)}${notes.length ? `; ${notes.join("; ")}` : ""}${amountsNote}.` : undefined,
    };
  },
};

/** Whether any row's Amount was read as a number. */
function hasReadableAmount(rows: RowTable): boolean {
  for (let i = 0; i < rows.length; i++) {
    const amount = rows.amount(i);
    if (amount !== undefined && !Number.isNaN(amount)) return true;
  }
  return false;
}

/** Whether the unsplit statement has any amount beyond a cent on a listed account (every account without a chart). */
function hasActivity(rows: RowTable, listed: ReadonlySet<string> | undefined): boolean {
  for (let i = 0; i < rows.length; i++) {
    const amount = rows.amount(i);
    const id = rows.id(i);
    if (amount !== undefined && Math.abs(amount) > CENT && (!listed || (id !== undefined && listed.has(id)))) return true;
  }
  return false;
}

/**
 * Two usable splits with varied activity (three months or more, not one fixed total) and the same
 * rows (digest), neither the other's ancestor; undefined when none.
 */
function twinSplits(usable: readonly StatementFetch[], parentOf: ReadonlyMap<string, string | null>): [StatementFetch, StatementFetch] | undefined {
  const byRows = new Map<string, StatementFetch[]>();
  for (const s of usable) {
    const d = s.fold.digest;
    if (!s.fold.active || !d || d.rows === 0 || s.fold.sameAsWhole) continue;
    // Figures that could be alike by chance are left out: fewer than three months with activity, or
    // the same total every month (a fixed charge or allocation that two segments may well share).
    const months = Object.values(d.periodSums).filter((v) => Math.abs(v) >= 0.005);
    if (months.length < 3 || new Set(months.map((v) => v.toFixed(2))).size < 2) continue;
    const key = `${d.rows}|${d.hash}`;
    const list = byRows.get(key);
    if (list) list.push(s);
    else byRows.set(key, [s]);
  }
  for (const list of byRows.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let k = i + 1; k < list.length; k++) {
        const [a, b] = [list[i].split!.id, list[k].split!.id];
        if (!isAncestor(a, b, parentOf) && !isAncestor(b, a, parentOf)) return [list[i], list[k]];
      }
    }
  }
  return undefined;
}
