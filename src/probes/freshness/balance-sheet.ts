import type { Probe } from "../types.js";
import { statementFreshness } from "../support/freshness.js";

export const probe: Probe = {
  id: "freshness.balance-sheet",
  family: "freshness",
  step: 2,
  title: "Balance sheet reaches the previous month",
  description:
    "Checks that each company's balance sheet, in each accounting basis, has month-end balances for the previous calendar month itself (a later month, such as the current one, does not stand in for it).",
  after: ["reachability.connection"],
  blockedByFailure: true,
  run(ctx) {
    return statementFreshness(ctx, {
      checkId: this.id,
      statement: "balance-sheet",
      maxLagMonths: 1,
      thatMonth: true,
      hasData: (r) => r.amount !== undefined && r.amount !== 0,
      describe: "non-zero balances",
      everyBasis: true,
    });
  },
};
