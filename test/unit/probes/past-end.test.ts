import { describe, expect, it } from "vitest";
import { checkReference, resultOf, type Wrap } from "../../helpers/harness.js";

const ID = "pagination.past-end";

/** Lists whose offset works inside the list, but a page past the end falls back to the last page. */
const lastPageAgain: Wrap = async (req, next) => {
  const reply = await next();
  const offset = Number(req.url.searchParams.get("offset") ?? "0");
  if (reply.status !== 200 || offset === 0 || !/\/(chart-of-accounts|budgets|classes|departments|non-financial-metrics)$/.test(req.url.pathname)) return reply;
  const body = JSON.parse(Buffer.from(reply.body as Uint8Array | string).toString("utf8")) as { Data: unknown[]; Pagination: { total: number; limit: number } };
  if (body.Data.length > 0 || body.Pagination.total === 0) return reply;
  req.url.searchParams.set("offset", String(Math.max(0, body.Pagination.total - body.Pagination.limit)));
  const last = await next();
  // The page says the offset it was asked for, as such partners do.
  const page = JSON.parse(Buffer.from(last.body as Uint8Array | string).toString("utf8")) as { Pagination: { offset: number } };
  page.Pagination.offset = offset;
  const headers = { ...last.headers };
  delete headers["content-length"];
  return { ...last, headers, body: JSON.stringify(page) };
};

/** Lists that ignore the offset altogether. */
const offsetIgnored: Wrap = async (req, next) => {
  if (/\/(chart-of-accounts|budgets|classes|departments|non-financial-metrics)$/.test(req.url.pathname)) req.url.searchParams.delete("offset");
  return next();
};

describe(`${ID} on lists that fit in one page`, () => {
  it("says a page past the end falls back to the last page when the offset works inside the list", async () => {
    const r = resultOf(await checkReference({ only: [ID], wrap: lastPageAgain }), ID);
    const f = r.findings.find((x) => x.code === `${ID}/not-empty`);
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toMatch(/They are the list's last page again, while offset \d+ gives the last record alone: the offset works inside the list/);
    expect(f!.message).not.toMatch(/the offset is ignored/);
    expect(f!.fix).toMatch(/^Answer an offset at or past the end with an empty Data array, not the last page/);
  });

  it("still says the offset is ignored when it is", async () => {
    const r = resultOf(await checkReference({ only: [ID], wrap: offsetIgnored }), ID);
    const f = r.findings.find((x) => x.code === `${ID}/not-empty`);
    expect(f, JSON.stringify(r.findings.map((x) => x.message))).toBeDefined();
    expect(f!.message).toMatch(/in order: the offset is ignored\.$/);
  });
});
