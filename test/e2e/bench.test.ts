import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

/** Runs `node scripts/bench.js --quick --json [args]` (built code in dist/, as `npm test` leaves it). */
function quickBench(args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "scripts", "bench.js"), "--quick", "--json", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run bench", () => {
  it("measures a run, cold starts and validation in quick mode (figures are printed, never asserted)", async () => {
    const r = await quickBench();
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.run).toHaveLength(1);
    expect(out.failed).toEqual([]);
    const run = out.run[0];
    expect(run.size).toBe("small");
    expect(run.verdict).toBe("ready");
    expect(run.requests).toBeGreaterThan(10);
    expect(run.bytes).toBeGreaterThan(0);
    for (const key of ["checkerWallMs", "crawlerWallMs", "ratioWall", "ratioInRun", "peakRssMiB", "checkerCpuMs", "crawlerCpuMs"]) expect(run[key], key).toBeGreaterThan(0);
    expect(run.each).toHaveLength(run.runs);
    expect(run.each[0].rssMiB).toBe(run.peakRssMiB); // one run: its figure is the median
    expect(out.coldStart.map((c: { name: string }) => c.name)).toEqual(["node -e 0", "reach-check --help", "reach-check specs"]);
    expect(out.validation.statementRows.perSecond).toBeGreaterThan(0);
    expect(out.validation.accounts.perSecond).toBeGreaterThan(0);
  }, 90_000);

  it("--latency holds every answer of the partner, for the run and the crawler alike", async () => {
    const r = await quickBench(["--latency", "8"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.latencyMs).toBe(8);
    const run = out.run[0];
    expect(run.verdict).toBe("ready");
    // At most `concurrency` requests wait at a time, so the crawl cannot be faster than this.
    expect(run.crawlerFetchMs).toBeGreaterThanOrEqual((run.requests * 8) / out.concurrency);
    expect(run.checkerInRunMs).toBeGreaterThanOrEqual((run.requests * 8) / out.concurrency);
  }, 90_000);

  it("refuses a --latency that is not a whole number of milliseconds", async () => {
    const r = await quickBench(["--latency", "soon"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--latency takes a whole number of milliseconds");
  }, 30_000);
});
