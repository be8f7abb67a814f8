/**
 * The accounting rules on small hand-made data sets: each case names what the rule must find.
 */
import { describe, expect, it } from "vitest";
import {
  compareMovement,
  duplicateIds,
  hierarchyIssues,
  ignoredFilter,
  misplacedAccountRows,
  sameAmounts,
  splitRemainder,
  exactCents,
  unbalancedPeriods,
  unknownAccountRows,
} from "../../../src/probes/support/accuracy.js";
import { describeDiff, diffCount, diffFields, diffRecords, keyBy } from "../../../src/probes/support/compare.js";
import type { Row } from "../../../src/probes/support/rows.js";

const acct = (AccountId: string, AccountType: string, ParentAccountId: string | null = null) => ({ AccountId, AccountType, ParentAccountId });
const row = (id: string, period: string, amount: number): Row => ({ id, period, amount });

const CHART = [
  acct("cash", "ASSET"),
  acct("ar", "ASSET"),
  acct("ap", "LIABILITY"),
  acct("loan", "LIABILITY"),
  acct("capital", "EQUITY"),
  acct("cye", "EQUITY"),
  acct("sales", "REVENUE"),
  acct("rent", "EXPENSE"),
];
const TYPES = new Map(CHART.map((a) => [a.AccountId, a.AccountType]));
const KNOWN = new Set(CHART.map((a) => a.AccountId));
const BS = { types: ["ASSET", "LIABILITY", "EQUITY"], debitNormal: ["ASSET", "EXPENSE", "COST_OF_SALES", "OTHER_EXPENSE"] };

describe("balance-sheet balance per period", () => {
  const balanced = [
    row("cash", "2026-09", 1000),
    row("ar", "2026-09", 250.5),
    row("ap", "2026-09", 300.25),
    row("loan", "2026-09", 400),
    row("capital", "2026-09", 500),
    row("cye", "2026-09", 50.25),
  ];
  it("passes a balanced period (assets = liabilities + equity)", () => {
    expect(unbalancedPeriods(balanced, TYPES, BS)).toEqual([]);
  });
  it("tolerates a difference of a cent", () => {
    const rows = balanced.map((r) => (r.id === "cash" ? { ...r, amount: 1000.01 } : r));
    expect(unbalancedPeriods(rows, TYPES, BS)).toEqual([]);
  });
  it("names the unbalanced period and the difference", () => {
    const rows = [
      ...balanced,
      row("cash", "2026-10", 2234.56),
      row("ar", "2026-10", 0),
      row("ap", "2026-10", 500),
      row("loan", "2026-10", 0),
      row("capital", "2026-10", 500),
      row("cye", "2026-10", 0),
    ];
    expect(unbalancedPeriods(rows, TYPES, BS)).toEqual([{ period: "2026-10", difference: 1234.56 }]);
  });
  it("signs by normal balance: a negative liability is a debit", () => {
    const rows = [row("cash", "2026-09", 100), row("ap", "2026-09", -100)];
    expect(unbalancedPeriods(rows, TYPES, BS)).toEqual([{ period: "2026-09", difference: 200 }]);
  });
  it("does not sum income accounts or unknown accounts (other rules report them)", () => {
    const rows = [...balanced, row("sales", "2026-09", 999), row("ghost", "2026-09", 5)];
    expect(unbalancedPeriods(rows, TYPES, BS)).toEqual([]);
  });
});

describe("statement rows and the chart of accounts", () => {
  it("finds orphan rows, grouped by account, with the first row's index", () => {
    const rows = [row("cash", "2026-09", 1), row("acc-9999", "2026-09", 2), row("acc-9999", "2026-10", 3), row("old", "2026-10", 4)];
    expect(unknownAccountRows(rows, KNOWN)).toEqual([
      { id: "acc-9999", count: 2, firstIndex: 1 },
      { id: "old", count: 1, firstIndex: 3 },
    ]);
  });
  it("passes when every row names a listed account", () => {
    expect(unknownAccountRows([row("sales", "2026-09", 1), row("rent", "2026-09", 1)], KNOWN)).toEqual([]);
  });
  it("finds an income account on the balance sheet", () => {
    const rows = [row("cash", "2026-09", 1), row("sales", "2026-09", 2), row("sales", "2026-10", 2)];
    expect(misplacedAccountRows(rows, TYPES, BS.types)).toEqual([{ id: "sales", count: 2, firstIndex: 1, type: "REVENUE" }]);
  });
  it("finds a balance-sheet account on the profit and loss", () => {
    const pl = ["REVENUE", "COST_OF_SALES", "EXPENSE", "OTHER_INCOME", "OTHER_EXPENSE"];
    expect(misplacedAccountRows([row("rent", "2026-09", 1), row("cash", "2026-09", 1)], TYPES, pl).map((g) => g.id)).toEqual(["cash"]);
  });
  it("leaves rows of unknown accounts to the orphan rule", () => {
    expect(misplacedAccountRows([row("ghost", "2026-09", 1)], TYPES, BS.types)).toEqual([]);
  });
});

describe("chart of accounts", () => {
  it("finds an id listed twice, with both positions", () => {
    expect(duplicateIds([acct("a", "ASSET"), acct("b", "ASSET"), acct("a", "ASSET")], "AccountId")).toEqual([{ id: "a", indexes: [0, 2] }]);
  });
  it("passes unique ids", () => {
    expect(duplicateIds(CHART, "AccountId")).toEqual([]);
  });
  it("passes a tree", () => {
    const tree = [acct("root", "ASSET"), acct("a", "ASSET", "root"), acct("b", "ASSET", "a"), acct("c", "ASSET", "root")];
    expect(hierarchyIssues(tree, "AccountId", "ParentAccountId")).toEqual({ unknownParents: [], cycles: [] });
  });
  it("finds a two-account cycle once", () => {
    const cyclic = [acct("x", "ASSET", "y"), acct("y", "ASSET", "x"), acct("z", "ASSET", "x")];
    expect(hierarchyIssues(cyclic, "AccountId", "ParentAccountId").cycles).toEqual([["x", "y"]]);
  });
  it("finds a longer cycle and a self-parent", () => {
    const recs = [acct("c", "ASSET", "a"), acct("a", "ASSET", "b"), acct("b", "ASSET", "c"), acct("self", "ASSET", "self")];
    expect(hierarchyIssues(recs, "AccountId", "ParentAccountId").cycles).toEqual([["a", "b", "c"], ["self"]]);
  });
  it("finds a parent that is not in the list", () => {
    const recs = [acct("a", "ASSET"), acct("b", "ASSET", "gone")];
    expect(hierarchyIssues(recs, "AccountId", "ParentAccountId").unknownParents).toEqual([{ id: "b", parent: "gone", index: 1 }]);
  });
});

describe("splits of the profit and loss", () => {
  const whole = [row("sales", "2026-09", 100), row("rent", "2026-09", 40), row("sales", "2026-10", 120)];
  const apparel = [row("sales", "2026-09", 60), row("rent", "2026-09", 25), row("sales", "2026-10", 70)];
  const gear = [row("sales", "2026-09", 40), row("rent", "2026-09", 15), row("sales", "2026-10", 50)];

  it("passes classes that sum to the whole", () => {
    const r = splitRemainder(whole, [
      { id: "apparel", rows: apparel },
      { id: "gear", rows: gear },
    ]);
    expect(r.cells).toBe(0);
  });
  it("reports the unclassified remainder per period", () => {
    const r = splitRemainder(whole, [{ id: "apparel", rows: apparel }]);
    expect(r.byPeriod).toEqual([
      { period: "2026-09", difference: 55 },
      { period: "2026-10", difference: 50 },
    ]);
    expect(r.cells).toBe(3);
  });
  it("accepts parent classes that include their children (top-level sum)", () => {
    const camping = gear.map((x) => ({ ...x, amount: x.amount! / 2 }));
    const climbing = camping;
    const r = splitRemainder(
      whole,
      [
        { id: "apparel", rows: apparel },
        { id: "gear", rows: gear },
        { id: "camping", rows: camping },
        { id: "climbing", rows: climbing },
      ],
      new Map([
        ["apparel", null],
        ["gear", null],
        ["camping", "gear"],
        ["climbing", "gear"],
      ]),
    );
    expect(r).toMatchObject({ cells: 0, summed: "top-level" });
  });
  it("detects an ignored filter: unrelated ids each return the whole", () => {
    expect(ignoredFilter(whole, [{ id: "apparel", rows: whole }, { id: "gear", rows: whole }])).toEqual(["apparel", "gear"]);
  });
  it("does not call a class that holds all activity, with its parent, an ignored filter", () => {
    const parents = new Map<string, string | null>([["gear", null], ["camping", "gear"], ["apparel", null]]);
    const zero = whole.map((x) => ({ ...x, amount: 0 }));
    expect(ignoredFilter(whole, [{ id: "gear", rows: whole }, { id: "camping", rows: whole }, { id: "apparel", rows: zero }], parents)).toBeUndefined();
  });
  it("does not judge a company with no activity", () => {
    const zero = whole.map((x) => ({ ...x, amount: 0 }));
    expect(ignoredFilter(zero, [{ id: "a", rows: zero }, { id: "b", rows: zero }])).toBeUndefined();
  });
  it("compares amounts cell by cell (a missing row counts as zero)", () => {
    expect(sameAmounts([row("a", "2026-09", 0), row("b", "2026-09", 5)], [row("b", "2026-09", 5)])).toBe(true);
    expect(sameAmounts([row("b", "2026-09", 5)], [row("b", "2026-09", 5.02)])).toBe(false);
  });
});

describe("second-pass differences", () => {
  it("lists changed fields, missing and new records by key", () => {
    const key = keyBy(["AccountId", "Period"]);
    const a = [{ AccountId: "x", Period: "2026-09", Amount: 1 }, { AccountId: "y", Period: "2026-09", Amount: 2 }];
    const b = [{ AccountId: "x", Period: "2026-09", Amount: 1.5 }, { AccountId: "z", Period: "2026-09", Amount: 3 }];
    const d = diffRecords(a, b, key);
    expect(d).toEqual({
      added: ["z 2026-09"],
      removed: ["y 2026-09"],
      changed: [{ record: "x 2026-09", field: "Amount", before: 1, after: 1.5 }],
    });
    expect(diffCount(d)).toBe(3);
    expect(describeDiff(d)).toEqual(["x 2026-09: Amount 1 → 1.5", "y 2026-09: missing in the second pass", "z 2026-09: only in the second pass"]);
  });
  it("finds nothing in identical data", () => {
    const a = [{ AccountId: "x", Period: "2026-09", Amount: 1 }];
    expect(diffCount(diffRecords(a, JSON.parse(JSON.stringify(a)), keyBy(["AccountId", "Period"])))).toBe(0);
  });
  it("compares top-level fields of one object", () => {
    expect(diffFields("", { CompanyName: "A", Currency: "USD" }, { CompanyName: "B", Currency: "USD" })).toEqual([
      { record: "", field: "CompanyName", before: "A", after: "B" },
    ]);
  });
});

describe("amounts of a very large company (10^13 with cents), read as the cents they were written with", () => {
  // Rows of a conformant partner (an independent one, IDR books): assets 7, 07, 007 and the contra
  // asset 0007; liabilities and equity 3.2, 3.1, 3, 2.1, 2. They balance exactly in decimal; summed
  // as doubles in this order they miss by 0.014.
  const types = new Map([
    ["7", "ASSET"], ["07", "ASSET"], ["007", "ASSET"], ["0007", "ASSET"],
    ["3.2", "LIABILITY"], ["3.1", "LIABILITY"], ["3", "EQUITY"], ["2.1", "EQUITY"], ["2", "EQUITY"],
  ]);
  const sheet: [string, number][] = [
    ["7", 41729877740149.08], ["3.2", 6468650111127.61], ["3.1", 19458832371431.26], ["3", 30000000000000], ["2.1", 25000000000000],
    ["2", 1966088271714.84], ["07", 4191470780401.94], ["007", 38765432109876.54], ["0007", -1793209876153.85],
  ];
  const rows = (edit: (id: string, amount: number) => number = (_id, a) => a) => sheet.map(([id, amount]) => row(id, "2025-11", edit(id, amount)));

  it("reads back the written cents, and says when there are none to read", () => {
    expect(exactCents(41729877740149.08)).toBe(4172987774014908);
    expect(exactCents(-1793209876153.85)).toBe(-179320987615385);
    expect(exactCents(0.07)).toBe(7);
    expect(exactCents(-0) === 0).toBe(true);
    expect(exactCents(0.1 + 0.2)).toBeUndefined();
    expect(exactCents(12.345)).toBeUndefined();
    // Beyond 2^46 two amounts a cent apart can be the same double: the cents are not known.
    expect(exactCents(8e13 + 0.01)).toBeUndefined();
    expect(exactCents(Number.NaN)).toBeUndefined();
  });

  it("balances a balance sheet that balances in decimal", () => {
    expect(sheet.reduce((sum, [id, a]) => sum + (types.get(id) === "ASSET" ? a : -a), 0)).not.toBe(0);
    expect(unbalancedPeriods(rows(), types, BS)).toEqual([]);
  });

  it("still finds two cents at that size", () => {
    const off = rows((id, a) => (id === "3.1" ? Math.round((a - 0.02) * 100) / 100 : a));
    expect(unbalancedPeriods(off, types, BS)).toEqual([{ period: "2025-11", difference: 0.02 }]);
  });

  it("takes a cash-flow movement as the balance's change to the cent", () => {
    expect(46736362835904.31 - 45992523083953.69).toBe(743839751950.625);
    expect(compareMovement(743839751950.62, 46736362835904.31, 45992523083953.69)).toEqual({ change: 743839751950.62, quiet: false, differs: false });
    expect(compareMovement(743839751950.63, 46736362835904.31, 45992523083953.69).differs).toBe(true);
    expect(compareMovement(0, 5, 5)).toEqual({ change: 0, quiet: true, differs: false });
    // More decimals than cents: compared with room for rounding only.
    expect(compareMovement(0.3, 0.1 + 0.2, 0).differs).toBe(false);
    expect(compareMovement(0.31, 0.1 + 0.2, 0).differs).toBe(true);
  });

  it("adds class splits up to the whole to the cent", () => {
    const whole = [row("sales", "2026-09", 44460662752389.88)];
    const amounts = [745835105578.1, 9407230218251.54, 8806148717800.77, 6994890570640.56, 11666592955589.29, 6839965184529.62];
    const splits = amounts.map((a, i) => ({ id: `class-${i}`, rows: [row("sales", "2026-09", a)] }));
    // As doubles, the six splits leave 0.016 of the whole unexplained.
    expect(44460662752389.88 - amounts.reduce((x, y) => x + y, 0)).toBeGreaterThan(0.0101);
    expect(splitRemainder(whole, splits).byPeriod).toEqual([]);
    const short = splits.map((sp, i) => (i === 5 ? { ...sp, rows: [row("sales", "2026-09", 6839965184529.6)] } : sp));
    expect(splitRemainder(whole, short).byPeriod).toEqual([{ period: "2026-09", difference: 0.02 }]);
    expect(sameAmounts(whole, [row("sales", "2026-09", 44460662752389.88)])).toBe(true);
    expect(sameAmounts(whole, [row("sales", "2026-09", 44460662752389.89)])).toBe(false);
  });
});
