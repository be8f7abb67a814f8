import { describe, expect, it } from "vitest";
import { allowlistNotices, applyAllowlist, type Allowlist } from "../../../src/report/allowlist.js";
import { canonicalJson, checkIntegrity, digestOf, sealReport } from "../../../src/report/integrity.js";
import { renderJson } from "../../../src/report/json.js";
import { validateReport } from "../../../src/report/report-schema.js";
import type { Report } from "../../../src/report/types.js";
import { copy, loadReport } from "./fixtures.js";

const TODAY = "2025-06-02";
const list = (...entries: Allowlist["entries"]): Allowlist => ({ source: "allow.json", entries });
const status = (r: Report, id: string) => r.checks.find((c) => c.id === id)!.status;

describe("applyAllowlist", () => {
  it("accepts every failure of a check: the check is `accepted` and no longer fails its step", () => {
    const before = loadReport("not-ready");
    const r = applyAllowlist(before, list({ check: "auth.bad-token", reason: "pilot", expires: "2025-06-02" }), TODAY);
    expect(status(r, "auth.bad-token")).toBe("accepted");
    expect(r.steps.find((s) => s.step === 3)).toMatchObject({ verdict: "ready", counts: { accepted: 1, fail: 0 } });
    expect(r.checks.find((c) => c.id === "auth.bad-token")!.findings[0].accepted).toEqual({ reason: "pilot", expires: "2025-06-02" });
    expect(r.allowlist).toEqual({ source: "allow.json", entries: [{ check: "auth.bad-token", reason: "pilot", expires: "2025-06-02", state: "applied", matched: 1 }] });
    expect(validateReport(r)).toEqual([]);
    expect(before.checks.find((c) => c.id === "auth.bad-token")!.status).toBe("fail"); // input untouched
  });

  it("turns the verdict ready when every failure and warning is accepted", () => {
    const r = applyAllowlist(
      loadReport("not-ready"),
      list(
        ...["schema.lists", "pagination.limits", "schema.company", "auth.bad-token", "reliability.latency"].map((check) => ({ check, reason: "known", expires: "2030-01-01" })),
      ),
      TODAY,
    );
    expect(r.verdict).toBe("ready");
    expect(r.checks.map((c) => c.status)).toEqual(["accepted", "accepted", "accepted", "pass", "accepted", "accepted"]);
  });

  it("narrows to one operation: other operations' failures still fail the check", () => {
    const r = applyAllowlist(
      loadReport("not-ready"),
      list({ check: "schema.lists", operation: "get /companies/{CompanyId}/budgets", reason: "backfill", expires: "2030-01-01" }),
      TODAY,
    );
    const check = r.checks.find((c) => c.id === "schema.lists")!;
    expect(check.status).toBe("fail");
    expect(check.findings.filter((f) => f.accepted).map((f) => f.operation?.path)).toEqual(Array(6).fill("/companies/{CompanyId}/budgets"));
    expect(r.allowlist!.entries[0]).toMatchObject({ operation: "GET /companies/{CompanyId}/budgets", state: "applied", matched: 6 });
  });

  it("an expired entry accepts nothing and says so; an entry matching nothing is flagged", () => {
    const r = applyAllowlist(
      loadReport("not-ready"),
      list(
        { check: "auth.bad-token", reason: "pilot", expires: "2025-06-01" },
        { check: "schema.errors", reason: "gone", expires: "2030-01-01" },
      ),
      TODAY,
    );
    expect(status(r, "auth.bad-token")).toBe("fail");
    expect(r.verdict).toBe("not-ready");
    expect(r.allowlist!.entries.map((e) => [e.state, e.matched])).toEqual([
      ["expired", 1],
      ["unused", 0],
    ]);
    expect(allowlistNotices(r)).toEqual([
      "allowlist entry auth.bad-token expired on 2025-06-01; its 1 finding count again",
      "allowlist entry schema.errors matches no finding any more; remove it",
    ]);
  });

  it("never accepts info findings, skips or crashes", () => {
    const r = applyAllowlist(
      loadReport("skips-and-error"),
      list(
        { check: "schema.lists", reason: "x", expires: "2030-01-01" },
        { check: "reach.reachable", reason: "x", expires: "2030-01-01" },
      ),
      TODAY,
    );
    expect(r.checks.map((c) => c.status)).toEqual(["error", "skip", "pass", "skip"]);
    expect(r.allowlist!.entries.map((e) => e.state)).toEqual(["unused", "unused"]);
  });
});

describe("integrity", () => {
  it("seals with the SHA-256 of the compact JSON report without the seal", () => {
    const r = sealReport(loadReport("not-ready"));
    expect(r.integrity!.algorithm).toBe("sha256");
    const withoutSeal = { ...r } as Partial<Report>;
    delete withoutSeal.integrity;
    expect(canonicalJson(r)).toBe(renderJson(withoutSeal as Report, { pretty: false }).trimEnd());
    expect(r.integrity!.digest).toBe(digestOf(loadReport("not-ready")));
    expect(validateReport(r)).toEqual([]);
  });

  it("verifies a report read back from pretty JSON, whatever its key order or whitespace", () => {
    const sealed = sealReport(loadReport("accepted"));
    const back = JSON.parse(renderJson(sealed)) as Report;
    expect(checkIntegrity(back)).toEqual({ ok: true, digest: sealed.integrity!.digest });
    const reordered = Object.fromEntries(Object.entries(back).reverse()) as unknown as Report;
    expect(checkIntegrity(reordered).ok).toBe(true);
  });

  it("detects an edit anywhere, including inside evidence", () => {
    const sealed = sealReport(loadReport("not-ready"));
    const edits: ((r: Report) => void)[] = [
      (r) => (r.verdict = "ready"),
      (r) => (r.checks[0].findings[0].evidence!.status = 201),
      (r) => (r.checks[0].findings[0].message += " "),
      (r) => r.checks.pop(),
      (r) => ((r as unknown as Record<string, unknown>).note = "added"),
    ];
    for (const edit of edits) {
      const r = copy(sealed);
      edit(r);
      expect(checkIntegrity(r)).toMatchObject({ ok: false, reason: "mismatch", expected: sealed.integrity!.digest });
    }
    const unsealed = copy(sealed);
    delete unsealed.integrity;
    expect(checkIntegrity(unsealed)).toEqual({ ok: false, reason: "missing" });
  });
});
