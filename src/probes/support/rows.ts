import type { RowsLike } from "../../engine/row-table.js";
import type { Exchange } from "../../http/types.js";

export interface Row {
  id?: string;
  period?: string;
  amount?: number;
}

/** Rows of a 200 `{Data: [...]}` body with the profile's field names; undefined when the body is not usable. */
export function rowsOf(ex: Exchange | undefined, dataField: string, fields: { id?: string; period?: string; amount?: string }): Row[] | undefined {
  const res = ex?.response;
  if (!res || res.status !== 200 || !res.json || typeof res.json !== "object") return undefined;
  const data = (res.json as Record<string, unknown>)[dataField];
  if (!Array.isArray(data)) return undefined;
  return data.map((r) => {
    const o = r && typeof r === "object" ? (r as Record<string, unknown>) : {};
    const id = fields.id ? o[fields.id] : undefined;
    const period = fields.period ? o[fields.period] : undefined;
    const amount = fields.amount ? o[fields.amount] : undefined;
    return {
      id: typeof id === "string" ? id : undefined,
      period: typeof period === "string" ? period : undefined,
      amount: typeof amount === "number" ? amount : undefined,
    };
  });
}

/** Latest period among rows that pass the filter; `YYYY-MM` strings order lexically. */
export function latestPeriod(rows: readonly Row[] | RowsLike, filter: (r: Row) => boolean = () => true): string | undefined {
  let best: string | undefined;
  if (Array.isArray(rows)) {
    for (const r of rows as readonly Row[]) if (r.period && filter(r) && (best === undefined || r.period > best)) best = r.period;
    return best;
  }
  // Compact rows: one scratch row handed to the filter (it only reads it), not an object per row.
  const table = rows as RowsLike;
  const row: Row = {};
  for (let i = 0; i < table.length; i++) {
    row.id = table.id(i);
    row.period = table.period(i);
    row.amount = table.amount(i);
    if (row.period && filter(row) && (best === undefined || row.period > best)) best = row.period;
  }
  return best;
}
