import { describe, expect, it } from "vitest";
import { StatementReader } from "../../../src/engine/row-reader.js";
import { newPools, RowTable, type RowFields, type RowPools } from "../../../src/engine/row-table.js";

/** A whole body handed to the reader as one chunk. */
function readRowTable(body: Buffer, dataField: string, fields: RowFields, pools: RowPools): RowTable | undefined {
  const r = new StatementReader(dataField, fields, pools, body.length);
  r.write(body);
  return r.end();
}

const FIELDS: RowFields = { id: "AccountId", period: "Period", amount: "Amount" };

/** What JSON.parse and RowTable.from make of a body: the reference the byte reader must match. */
function reference(text: string) {
  return RowTable.from(JSON.parse(text), "Data", FIELDS, newPools());
}

function both(text: string) {
  const read = readRowTable(Buffer.from(text, "utf8"), "Data", FIELDS, newPools());
  return { read, parsed: reference(text) };
}

const records = (t: RowTable | undefined) => (t ? t.records() : undefined);

describe("readRowTable", () => {
  it("reads plain rows exactly as JSON.parse would", () => {
    const text = JSON.stringify({
      Data: [
        { AccountId: "acc-4000", Period: "2026-09", Amount: 1200.5 },
        { Period: "2026-10", Amount: -0.07, AccountId: "acc-4000" },
        { AccountId: "acc-6100", Period: "2026-10", Amount: 0 },
        { AccountId: "acc-6100", Period: "2026-11", Amount: 123456789012.34 },
      ],
    });
    const { read, parsed } = both(text);
    expect(read).toBeDefined();
    expect(records(read)).toEqual(records(parsed));
    expect(read!.digest()).toEqual(parsed!.digest());
  });

  it("handles whitespace, escapes, other top-level members and odd rows", () => {
    const text = `\r\n { "Meta" : {"a":[1,2,{"b":null}],"c":"x\\"y"}, "Data" : [
      {"AccountId":"acc-\\u0034000","Period":"2026-09","Amount":1e3},
      {"AccountId":"acc-4010","Period":"2026-09","Amount":12345678901234567890},
      {"AccountId":"acc-4020","Period":"2026-09","Amount":"12.00"},
      {"AccountId":"acc-4030","Period":"2026-09","Amount":1,"Memo":{"deep":[true,false]}},
      {"AccountId":"acc-4040","Period":"2026-09","Amount":1,"AccountId":"acc-4041"},
      {"AccountId":"acc-4050","Period":"2026-09"},
      {},
      null, 7, "row", [1],
      {"AccountId":"Zürich ✓","Period":"2026-09","Amount":0.1}
    ], "Tail": -0.5e-3 }  `;
    const { read, parsed } = both(text);
    expect(read).toBeDefined();
    expect(records(read)).toEqual(records(parsed));
    expect(read!.digest()).toEqual(parsed!.digest());
    expect(read!.id(0)).toBe("acc-4000");
    expect(read!.amount(1)).toBe(12345678901234567890);
    expect(read!.amount(2)).toBeUndefined();
    expect(read!.id(4)).toBe("acc-4041");
  });

  it("reads rows in the usual compact spelling and every near miss of it as JSON.parse does", () => {
    // Each row starts like `{"AccountId":"…","Period":"…","Amount":…}` and departs from it at one place.
    const rows = [
      '{"AccountId":"acc-1","Period":"2026-01","Amount":-0}',
      '{"AccountId":"acc-1","Period":"2026-02","Amount":2.5e-3}',
      '{"AccountId":"acc-1","Period":"2026-03","Amount":7 }',
      '{"AccountId":"acc-1","Period":"2026-04","Amount":7,"Memo":"x"}',
      '{"AccountId":"acc-\\\\2","Period":"2026-04","Amount":1}',
      '{"AccountId":"acc-2","Period":"2026-\\u0030","Amount":1}',
      '{"AccountId":"acc-2","Period":"2026-05" ,"Amount":1}',
      '{"AccountId":"acc-2","Period":"2026-05","Amount":"1"}',
      '{"AccountId":"acc-2","Period":"2026-05","Amounts":1}',
      '{"AccountId":"acc-2","Period":7,"Amount":1}',
      '{"AccountId":"acc-a-very-long-account-identifier-0000000000000001","Period":"2026-06","Amount":123.45}',
      '{"AccountId":"","Period":"","Amount":0}',
      '{"XccountId":"acc-3","Period":"2026-07","Amount":1}',
      '{"AccountId":"acc-3","Xeriod":"2026-07","Amount":1}',
      '{"AccountId":"acc-3","Period":"2026-07","Xmount":1}',
    ];
    const text = `{"Data":[${rows.join(",")}]}`;
    const { read, parsed } = both(text);
    expect(read).toBeDefined();
    expect(records(read)).toEqual(records(parsed));
    expect(read!.id(4)).toBe("acc-\\2");
    expect(read!.period(5)).toBe("2026-0");
    // A raw control character inside a value is invalid JSON, whichever spelling the row has.
    expect(readRowTable(Buffer.from('{"Data":[{"AccountId":"acc\t1","Period":"2026-01","Amount":1}]}'), "Data", FIELDS, newPools())).toBeUndefined();
    expect(readRowTable(Buffer.from('{"Data":[{"AccountId":"acc-1","Period":"2026\n01","Amount":1}]}'), "Data", FIELDS, newPools())).toBeUndefined();
  });

  it("gives the same number as JSON.parse for every literal form", () => {
    const literals = ["0", "-0", "0.1", "0.30000000000000004", "1234567.891", "-99.995", "1E2", "2.5e-7", "9007199254740993", "123456789012345.67", "0.000001", "1.7976931348623157e308"];
    for (const lit of literals) {
      const text = `{"Data":[{"AccountId":"a","Period":"2026-01","Amount":${lit}}]}`;
      const { read } = both(text);
      expect(Object.is(read!.amount(0), JSON.parse(lit) as number), lit).toBe(true);
    }
  });

  it("declines what it does not expect, so the usual reading reports it", () => {
    const declined = [
      "",
      "[]",
      '{"Data":{}}',
      '{"Items":[]}',
      '{"Data":[],"Data":[]}',
      '{"D\\u0061ta":[]}',
      '{"Data":[{"AccountId":"a","Period":"2026-01","Amount":01}]}',
      '{"Data":[{"AccountId":"a","Period":"2026-01","Amount":1.}]}',
      '{"Data":[{"AccountId":"a\u0001","Period":"2026-01","Amount":1}]}',
      '{"Data":[{"AccountId":"a","Period":"2026-01","Amount":1},]}',
      '{"Data":[{"AccountId":"a","Period":"2026-01","Amount":1}]} x',
      '{"Data":[{"AccountId":"a","Period":"2026-01","Amount":1}]',
      '{"Data":[{"AccountId":"a","Period":"2026-01","Amount":NaN}]}',
      // The usual spelling of a row with its member names' last bytes replaced (read four at a time).
      '{"Data":[{"AccountId!!a","Period":"2026-01","Amount":1}]}',
      '{"Data":[{"AccountId":"a","Period!!!2026-01","Amount":1}]}',
      '{"Data":[{"AccountId":"a","Period":"2026-01","Amoun!!!1}]}',
      '{"Data":[tru]}',
      '{"Data":["\\x"]}',
      `{"Data":[${"[".repeat(600)}${"]".repeat(600)}]}`,
    ];
    for (const text of declined) expect(readRowTable(Buffer.from(text, "utf8"), "Data", FIELDS, newPools()), text.slice(0, 60)).toBeUndefined();
    // A byte order mark and invalid UTF-8 are left to the usual reading too.
    expect(readRowTable(Buffer.from('\ufeff{"Data":[]}', "utf8"), "Data", FIELDS, newPools())).toBeUndefined();
    expect(readRowTable(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), "Data", FIELDS, newPools())).toBeUndefined();
  });

  it("tells apart many short periods and ids that share a cache slot", () => {
    // 600 distinct short values of 1 to 9 bytes, in an order that keeps changing: the short-string cache must never mix them up.
    const months = Array.from({ length: 360 }, (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`);
    const eight = Array.from({ length: 40 }, (_, i) => `abcdefg${String.fromCharCode(65 + i)}`);
    const mixed = Array.from({ length: 200 }, (_, i) => String(i * 7919).slice(0, 1 + (i % 9)).padEnd(1 + (i % 9), "x"));
    const values = [...months, ...eight, ...mixed];
    const data = values.flatMap((v, i) => [
      { AccountId: v, Period: values[(i * 13) % values.length], Amount: i },
      { AccountId: values[(i * 7) % values.length], Period: v, Amount: -i },
    ]);
    const { read, parsed } = both(JSON.stringify({ Data: data }));
    expect(records(read)).toEqual(records(parsed));
  });

  it("reads runs of one account's rows, and ids that extend, shorten or escape the previous one", () => {
    // The reader takes a row's id as the previous row's when the same bytes and a quote follow.
    const ids = ["acc-1", "acc-1", "acc-12", "acc-12", "acc-1", "acc-1\\u0030", "acc-1", "acc-10", "acc-1", "", "", "acc-1", "acc-1\\\"x", "acc-1"];
    const rows = ids.map((id, i) => `{"AccountId":"${id}","Period":"2026-${String((i % 12) + 1).padStart(2, "0")}","Amount":${i}}`);
    const text = `{"Data":[${rows.join(",")}]}`;
    const whole = records(reference(text));
    expect(records(readRowTable(Buffer.from(text), "Data", FIELDS, newPools()))).toEqual(whole);
    for (const size of [1, 2, 3, 5, 8, 13, 21]) {
      const r = new StatementReader("Data", FIELDS, newPools());
      for (let at = 0; at < text.length; at += size) r.write(Buffer.from(text.slice(at, at + size)));
      expect(records(r.end()), `${size}-byte chunks`).toEqual(whole);
    }
  });

  it("reads an empty data array as no rows", () => {
    const read = readRowTable(Buffer.from('{"Data": [ ] }'), "Data", FIELDS, newPools());
    expect(read?.length).toBe(0);
  });

  it("interns ids and periods in the company's pools, shared with other tables", () => {
    const pools = newPools();
    const text = JSON.stringify({ Data: [{ AccountId: "x", Period: "2026-01", Amount: 1 }, { AccountId: "x", Period: "2026-02", Amount: 2 }, { AccountId: "y", Period: "2026-01", Amount: 3 }] });
    const a = readRowTable(Buffer.from(text), "Data", FIELDS, pools)!;
    const b = RowTable.from(JSON.parse(text), "Data", FIELDS, pools)!;
    expect(pools.ids.size).toBe(2);
    expect(pools.periods.size).toBe(2);
    expect([a.idIndex(0), a.idIndex(1), a.idIndex(2)]).toEqual([b.idIndex(0), b.idIndex(1), b.idIndex(2)]);
  });

  it("digests rows independently of their order, and tells changed rows apart", () => {
    const rows = [
      { AccountId: "a", Period: "2026-01", Amount: 1 },
      { AccountId: "b", Period: "2026-01", Amount: 2 },
    ];
    const pools = newPools();
    const read = (data: unknown[]) => readRowTable(Buffer.from(JSON.stringify({ Data: data })), "Data", FIELDS, pools)!.digest();
    expect(read(rows)).toEqual(read([...rows].reverse()));
    expect(read(rows).hash).not.toBe(read([rows[0], { ...rows[1], Amount: 2.01 }]).hash);
    expect(read(rows).hash).not.toBe(read([rows[0], { ...rows[1], Memo: "x" }]).hash);
    expect(read(rows).periodSums).toEqual({ "2026-01": 3 });
  });

  it("reads a body fed in chunks of any size exactly as the whole body", () => {
    const bodies = [
      JSON.stringify({ Data: Array.from({ length: 300 }, (_, i) => ({ AccountId: `acc-${i % 37}-é`, Period: `2026-${String((i % 12) + 1).padStart(2, "0")}`, Amount: (i * 7919) / 100 - 50 })) }),
      `{ "Meta" : {"x":[1,{"y":"}]"}]} , "Data":[ {"AccountId":"a\\b","Period":"2026-01","Amount":-1.5e2} ,\n {"AccountId":"c","Period":"2026-01","Amount":3,"Memo":"x, y ] }"}, null, [1,2] ,{"Period":"2026-02","AccountId":"d","Amount":12345678901234567890} ], "Tail":{"Data":1} }`,
      '{"Data":[]}',
    ];
    for (const text of bodies) {
      const bytes = Buffer.from(text, "utf8");
      const whole = records(readRowTable(bytes, "Data", FIELDS, newPools()));
      expect(whole, text.slice(0, 40)).toEqual(records(reference(text)));
      for (const size of [1, 2, 3, 7, 13, 64, 1000]) {
        const r = new StatementReader("Data", FIELDS, newPools());
        for (let at = 0; at < bytes.length; at += size) expect(r.write(bytes.subarray(at, at + size))).toBe(true);
        expect(records(r.end()), `${size}-byte chunks of ${text.slice(0, 40)}`).toEqual(whole);
      }
    }
  });

  it("declines, fed in chunks, what it declines whole", () => {
    for (const text of ['{"Data":[{"AccountId":"a","Period":"2026-01","Amount":01}]}', '{"Data":[1,]}', '{"Data":[1]', '{"Data":[1]} x', '{"Data":[],"Data":[]}', '{"Items":[]}', '\ufeff{"Data":[]}']) {
      const bytes = Buffer.from(text, "utf8");
      for (const size of [1, 5, 100]) {
        const r = new StatementReader("Data", FIELDS, newPools());
        for (let at = 0; at < bytes.length; at += size) r.write(bytes.subarray(at, at + size));
        expect(r.end(), `${size}: ${text}`).toBeUndefined();
      }
    }
  });

  it("holds only the unfinished row between chunks, and gives up on a piece too large to hold", () => {
    const r = new StatementReader("Data", FIELDS, newPools());
    expect(r.write(Buffer.from('{"Data":['))).toBe(true);
    const row = Buffer.from('{"AccountId":"a","Period":"2026-01","Amount":1},');
    for (let i = 0; i < 1000; i++) expect(r.write(row)).toBe(true);
    expect(r.write(Buffer.from('{"AccountId":"a","Period":"2026-01","Amount":1}]}'))).toBe(true);
    expect(r.end()?.length).toBe(1001);
    // One string of 5 MB without its end: more than a row may hold.
    const big = new StatementReader("Data", FIELDS, newPools());
    big.write(Buffer.from('{"Data":[{"AccountId":"'));
    let accepted = true;
    for (let i = 0; i < 6 && accepted; i++) accepted = big.write(Buffer.alloc(1024 * 1024, 0x61));
    expect(accepted).toBe(false);
    expect(big.end()).toBeUndefined();
  });
});
