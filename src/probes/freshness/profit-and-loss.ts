import type { Probe } from "../types.js";
import { statementFreshness } from "../support/freshness.js";

export const probe: Probe = {
  id: "freshness.profit-and-loss",
  family: "freshness",
  step: 2,
  title: "Profit and loss reaches the current period",
  description:
    "Checks that each company's accrual profit and loss has non-zero amounts in the current or the previous calendar month; from the 15th, none yet in the current month is noted (info), as figures served a month behind look the same.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  run(ctx) {
    return statementFreshness(ctx, {
      checkId: this.id,
      statement: "profit-and-loss",
      maxLagMonths: 1,
      hasData: (r) => r.amount !== undefined && r.amount !== 0,
      describe: "non-zero amounts",
      quietFromDay: 15,
    });
  },
};
