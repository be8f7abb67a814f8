#!/usr/bin/env node
/**
 * `npm run bench`: how much reach-check itself costs next to the partner it checks.
 *
 *   node scripts/bench.js [--quick] [--sizes small,large] [--runs n] [--latency ms] [--floor] [--json]
 *
 * Everything runs on loopback against the bundled reference partner (built code in dist/), each
 * party in its own process so they do not share a CPU queue:
 *   - the partner (this script, forked with `--partner <size>`), which logs the request lines;
 *   - `reach-check run` (bin/reach-check.js), its peak RSS read at exit through a preload;
 *   - a minimal crawler (this script, forked with `--crawl`): undici with the same concurrency,
 *     sending exactly the requests reach-check sent and reading the bodies, nothing else;
 *   - with --floor, the same crawler once more, now also parsing every JSON body: a lower bound
 *     for any checker that reads what it fetched (informative; the target is against the first).
 * Figures are medians. No figure is asserted anywhere: this prints, it does not judge.
 */
import { fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const BIN = join(ROOT, "bin", "reach-check.js");
const SELF = fileURLToPath(import.meta.url);
const NOW = "2026-11-15T12:00:00Z";
const CONCURRENCY = 4;
/** Writes the process's peak RSS (KiB) and CPU time (µs) to fd 3 at exit, as "rss user system". */
const MAXRSS_PRELOAD =
  'data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{try{const u=process.resourceUsage();writeSync(3,`${u.maxRSS} ${u.userCPUTime} ${u.systemCPUTime}`)}catch{}})';

const dist = (path) => import(pathToFileURL(join(DIST, path)).href);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------------------------------------
// Child roles

/** The reference partner with a request log, driven over IPC. */
async function partnerRole(size) {
  const { createPartner } = await dist("reference-partner/index.js");
  const { startServer } = await dist("http/server.js");
  const { token, latencyMs } = await new Promise((resolve) => process.once("message", resolve));
  const app = createPartner({ size, now: new Date(NOW), accessToken: token });
  let log = [];
  // How busy the partner's event loop was since the last take-log. A run that leaves the partner
  // idle is slower than the crawler for reasons of scheduling, not CPU.
  let since = performance.eventLoopUtilization();
  const handler = (req) => {
    const auth = req.headers.authorization;
    log.push({
      method: req.method,
      path: req.url.pathname + req.url.search,
      auth: auth === undefined ? "none" : auth === `Bearer ${token}` ? "token" : "other",
      ...(req.body.length > 0 ? { body: req.body.toString("utf8"), contentType: req.headers["content-type"] } : {}),
    });
    if (!latencyMs) return app.handler(req);
    // A partner across a network: every answer comes latencyMs later, for reach-check and crawler alike.
    return Promise.resolve(app.handler(req)).then((reply) => ({ ...reply, delayMs: (reply.delayMs ?? 0) + latencyMs }));
  };
  const server = await startServer(handler, { host: "127.0.0.1", port: 0 });
  process.on("message", (m) => {
    if (m.type === "take-log") {
      process.send({ type: "log", log, busy: performance.eventLoopUtilization(since).utilization });
      log = [];
      since = performance.eventLoopUtilization();
    } else if (m.type === "stop") {
      server.close().then(() => process.exit(0));
    }
  });
  process.send({ type: "ready", baseUrl: server.url });
}

/** Sends the logged requests with `concurrency` workers over one undici pool; reads every body. */
async function crawlRole() {
  const { Agent, request } = await import("undici");
  const job = await new Promise((resolve) => process.once("message", resolve));
  const t0 = performance.now();
  const agent = new Agent({ connections: job.concurrency });
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < job.requests.length) {
      const r = job.requests[next++];
      const headers = { accept: "application/json", "accept-encoding": "gzip, br" };
      if (r.auth === "token") headers.authorization = `Bearer ${process.env.REACH_ACCESS_TOKEN}`;
      else if (r.auth === "other") headers.authorization = "Bearer bench-not-a-token";
      if (r.contentType) headers["content-type"] = r.contentType;
      const res = await request(job.baseUrl + r.path, { dispatcher: agent, method: r.method, headers, body: r.body });
      // Read first, then add: `bytes += await …` would add to the total as it was before the wait,
      // losing what the other workers added meanwhile.
      const body = await res.body.arrayBuffer();
      bytes += body.byteLength;
      if (job.parse && body.byteLength > 0 && /json/i.test(String(res.headers["content-type"] ?? ""))) {
        try {
          JSON.parse(Buffer.from(body).toString("utf8"));
        } catch {
          // A body that is not JSON is read and dropped, as the plain crawler does.
        }
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const ms = performance.now() - t0;
  await agent.close();
  // The crawler's whole CPU time, start-up included, as the run's comes from its own exit.
  const cpu = process.cpuUsage();
  process.send({ ms, bytes, cpuMs: (cpu.user + cpu.system) / 1000 });
}

// ---------------------------------------------------------------------------------------------
// Helpers of the main role

function startPartnerProcess(size, token, latencyMs) {
  const child = fork(SELF, ["--partner", size], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const messages = [];
  const waiters = [];
  child.on("message", (m) => (waiters.length > 0 ? waiters.shift()(m) : messages.push(m)));
  const nextMessage = () => new Promise((resolve) => (messages.length > 0 ? resolve(messages.shift()) : waiters.push(resolve)));
  child.send({ token, latencyMs });
  return nextMessage().then((ready) => ({
    baseUrl: ready.baseUrl,
    /** The requests logged since the last call, and how busy the partner was meanwhile. */
    takeLog: () => (child.send({ type: "take-log" }), nextMessage().then((m) => ({ log: m.log, busy: m.busy }))),
    stop: () => new Promise((resolve) => (child.once("exit", resolve), child.send({ type: "stop" }))),
  }));
}

/** Spawns a command, returns wall time, exit code, stdout and (with the preload) peak RSS in MiB. */
function timed(args, { env = {}, rss = false } = {}) {
  const nodeArgs = rss ? [`--import=${MAXRSS_PRELOAD}`, ...args] : args;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, nodeArgs, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", CI: "1", ...env },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let rssText = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.stdio[3].setEncoding("utf8").on("data", (d) => (rssText += d));
    // A full run against the large partner reads about 10 GB and takes minutes.
    const timer = setTimeout(() => child.kill("SIGKILL"), 30 * 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      const [rssKiB, userUs, systemUs] = rssText.split(" ").map(Number);
      resolve({ ms, code, stdout, stderr, rssMiB: rssText ? rssKiB / 1024 : undefined, cpuMs: rssText ? (userUs + systemUs) / 1000 : undefined });
    });
  });
}

function crawl(baseUrl, requests, token, parse = false) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = fork(SELF, ["--crawl"], { env: { ...process.env, REACH_ACCESS_TOKEN: token }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let result;
    child.once("message", (m) => (result = m));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0 || !result) reject(new Error(`crawler exited with ${code}`));
      else resolve({ wallMs: performance.now() - t0, ...result });
    });
    child.send({ baseUrl, requests, concurrency: CONCURRENCY, parse });
  });
}

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "-");

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ")).join("\n");
}

// ---------------------------------------------------------------------------------------------
// Measurements

async function measureRun(size, runs, latencyMs, floor) {
  const token = `bench-${randomBytes(18).toString("base64url")}`;
  const partner = await startPartnerProcess(size, token, latencyMs);
  const args = [BIN, "run", "--base-url", partner.baseUrl, "--format", "json", "--now", NOW, "--concurrency", String(CONCURRENCY)];
  const env = { REACH_ACCESS_TOKEN: token };
  try {
    // The small partner answers in milliseconds: a warm-up run first, so that the partner's start-up
    // (JIT, lazily built data) counts for neither side. The large one spends its time generating
    // statements either way, so its first measured run also gives the request list.
    if (size === "small") {
      const warm = await timed(args, { env });
      // Exit 1 (not ready) still measures; the verdict column shows it.
      if (warm.code !== 0 && warm.code !== 1) throw new Error(`reach-check run against the ${size} partner exited ${warm.code}: ${warm.stderr.slice(0, 500)}`);
    }
    const checker = [];
    const crawler = [];
    const parsing = [];
    let requests;
    await partner.takeLog();
    for (let i = 0; i < runs; i++) {
      const r = await timed(args, { env, rss: true });
      if (r.code !== 0 && r.code !== 1) throw new Error(`reach-check run exited ${r.code}: ${r.stderr.slice(0, 500)}`);
      const report = JSON.parse(r.stdout);
      const sent = await partner.takeLog();
      requests ??= sent.log;
      checker.push({ wallMs: r.ms, inRunMs: report.durationMs, rssMiB: r.rssMiB, cpuMs: r.cpuMs, verdict: report.verdict, requests: sent.log.length, partnerBusy: sent.busy });
      // The crawler replays exactly what the first measured run sent, with the same concurrency.
      const c = await crawl(partner.baseUrl, requests, token);
      crawler.push({ ...c, partnerBusy: (await partner.takeLog()).busy });
      if (floor) {
        const p = await crawl(partner.baseUrl, requests, token, true);
        await partner.takeLog();
        parsing.push(p);
      }
    }
    const m = {
      size,
      requests: requests.length,
      requestsMeasured: median(checker.map((c) => c.requests)),
      bytes: median(crawler.map((c) => c.bytes)),
      verdict: checker[0].verdict,
      checkerWallMs: median(checker.map((c) => c.wallMs)),
      checkerInRunMs: median(checker.map((c) => c.inRunMs)),
      crawlerWallMs: median(crawler.map((c) => c.wallMs)),
      crawlerFetchMs: median(crawler.map((c) => c.ms)),
      parsingCrawlerWallMs: floor ? median(parsing.map((c) => c.wallMs)) : undefined,
      peakRssMiB: median(checker.map((c) => c.rssMiB)),
      checkerCpuMs: median(checker.map((c) => c.cpuMs)),
      crawlerCpuMs: median(crawler.map((c) => c.cpuMs)),
      // Share of the wall time the partner's event loop was busy, during the run and the crawl.
      partnerBusyRun: median(checker.map((c) => c.partnerBusy)),
      partnerBusyCrawl: median(crawler.map((c) => c.partnerBusy)),
    };
    // Each run's own figures too (in --json): a median hides an outlier, which peak RSS has.
    const each = checker.map((c, i) => ({ wallMs: c.wallMs, crawlerWallMs: crawler[i].wallMs, rssMiB: c.rssMiB, cpuMs: c.cpuMs }));
    const ratioToParsing = floor ? m.checkerWallMs / m.parsingCrawlerWallMs : undefined;
    return { ...m, ratioWall: m.checkerWallMs / m.crawlerWallMs, ratioToParsing, ratioInRun: m.checkerInRunMs / m.crawlerFetchMs, each };
  } finally {
    await partner.stop();
  }
}

async function measureColdStart(n) {
  const cases = [
    ["node -e 0", ["-e", "0"]],
    ["reach-check --help", [BIN, "--help"]],
    ["reach-check specs", [BIN, "specs"]],
  ];
  const times = new Map(cases.map(([name]) => [name, []]));
  for (let i = 0; i < n; i++) {
    for (const [name, args] of cases) times.get(name).push((await timed(args)).ms);
  }
  const base = median(times.get("node -e 0"));
  return cases.map(([name]) => ({ name, medianMs: median(times.get(name)), overNodeMs: median(times.get(name)) - base }));
}

async function measureValidation(quick) {
  const { loadContract } = await dist("spec/load.js");
  const { createValidator } = await dist("schema/validator.js");
  const contract = await loadContract({});
  const validator = createValidator(contract.document, contract.dialect, { strict: false });
  const schemaOf = (role, name) => {
    const op = contract.operations.find((o) => o.profile.role === role && (!name || o.path.endsWith(name)));
    const res = op.responses.find((r) => r.status === "200");
    const media = res.contentTypes.find((c) => c === "application/json") ?? res.contentTypes[0];
    return { schema: res.schema, specPointer: `${res.specPointer}/content/${media.replace(/~/g, "~0").replace(/\//g, "~1")}/schema` };
  };
  const rows = quick ? 20_000 : 200_000;
  const periods = ["2026-09", "2026-10", "2026-11"];
  const statement = {
    Data: Array.from({ length: rows }, (_, i) => ({
      AccountId: `acc-${400000 + Math.floor(i / 3)}`,
      Period: periods[i % 3],
      Amount: Math.round((i * 7919) % 1_000_000) / 100 - 2500,
    })),
  };
  const types = ["ASSET", "LIABILITY", "EQUITY", "REVENUE", "COST_OF_SALES", "EXPENSE", "OTHER_INCOME", "OTHER_EXPENSE"];
  const page = {
    Data: Array.from({ length: 1000 }, (_, i) => ({
      AccountId: `acc-${100000 + i}`,
      AccountNumber: i % 50 === 0 ? null : String(100000 + i),
      Name: `Account ${i}`,
      AccountType: types[i % types.length],
      ParentAccountId: i % 10 === 0 ? null : `acc-${100000 + i - (i % 10)}`,
      IsActive: i % 33 !== 0,
    })),
    Pagination: { offset: 0, limit: 1000, total: 20000 },
  };
  const bench = (target, value, records, reps) => {
    const issues = validator.validate(target.schema, value, { specPointer: target.specPointer, maxIssues: 200 });
    if (issues.length > 0) throw new Error(`bench body does not validate: ${issues[0].message}`);
    const text = JSON.stringify(value);
    const validate = [];
    const parseAndValidate = [];
    for (let i = 0; i < reps; i++) {
      let t = performance.now();
      validator.validate(target.schema, value, { specPointer: target.specPointer, maxIssues: 200 });
      validate.push(performance.now() - t);
      t = performance.now();
      validator.validate(target.schema, JSON.parse(text), { specPointer: target.specPointer, maxIssues: 200 });
      parseAndValidate.push(performance.now() - t);
    }
    return { perSecond: records / (median(validate) / 1000), withParsePerSecond: records / (median(parseAndValidate) / 1000) };
  };
  return {
    statementRows: bench(schemaOf("statement", "profit-and-loss"), statement, rows, quick ? 3 : 7),
    accounts: bench(schemaOf("list", "chart-of-accounts"), page, 1000, quick ? 20 : 200),
  };
}

// ---------------------------------------------------------------------------------------------

async function main(argv) {
  const quick = argv.includes("--quick");
  const sizesAt = argv.indexOf("--sizes");
  const sizes = sizesAt >= 0 ? argv[sizesAt + 1].split(",") : quick ? ["small"] : ["small", "large"];
  const runsAt = argv.indexOf("--runs");
  // One large run reads about 10 GB and takes minutes: by default it is measured once.
  const runsOf = (size) => (runsAt >= 0 ? Number(argv[runsAt + 1]) : quick || size === "large" ? 1 : 3);
  // --latency ms: the partner holds every answer this long, as a partner across a network would.
  const latencyAt = argv.indexOf("--latency");
  const latencyMs = latencyAt >= 0 ? Number(argv[latencyAt + 1]) : 0;
  if (!(Number.isInteger(latencyMs) && latencyMs >= 0)) throw new Error("--latency takes a whole number of milliseconds");
  // --floor: also replay with a crawler that parses every JSON body (one more replay per run).
  const floor = argv.includes("--floor");
  if (!existsSync(join(DIST, "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");

  const out = { concurrency: CONCURRENCY, latencyMs, run: [], failed: [], coldStart: [], validation: undefined };
  // A size that fails does not take the others' figures with it.
  for (const size of sizes) {
    try {
      out.run.push({ runs: runsOf(size), ...(await measureRun(size, runsOf(size), latencyMs, floor)) });
    } catch (err) {
      out.failed.push({ size, error: err instanceof Error ? err.message : String(err) });
      process.exitCode = 1;
    }
  }
  out.coldStart = await measureColdStart(quick ? 3 : 15);
  out.validation = await measureValidation(quick);

  if (argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const lines = [];
  const latency = latencyMs > 0 ? `, partner answers ${latencyMs} ms late` : "";
  lines.push(`reach-check bench (Node ${process.version}, medians, concurrency ${CONCURRENCY}, loopback${latency})`, "");
  if (out.run.length > 0) lines.push(
    table([
      ["partner", "runs", "requests", "MiB read", "verdict", "run wall ms", "crawler wall ms", "ratio", "run in-process ms", "crawler fetch ms", "ratio", "peak RSS MiB", "CPU ms run/crawl", "partner busy run/crawl %"],
      ...out.run.map((r) => [
        r.size,
        r.runs,
        r.requests === r.requestsMeasured ? r.requests : `${r.requests}/${r.requestsMeasured}`,
        fmt(r.bytes / 1048576, 1),
        r.verdict,
        fmt(r.checkerWallMs),
        fmt(r.crawlerWallMs),
        fmt(r.ratioWall, 2),
        fmt(r.checkerInRunMs),
        fmt(r.crawlerFetchMs),
        fmt(r.ratioInRun, 2),
        fmt(r.peakRssMiB, 1),
        `${fmt(r.checkerCpuMs)}/${fmt(r.crawlerCpuMs)}`,
        `${fmt(r.partnerBusyRun * 100)}/${fmt(r.partnerBusyCrawl * 100)}`,
      ]),
    ]),
  );
  const floored = out.run.filter((r) => r.parsingCrawlerWallMs !== undefined);
  if (floored.length > 0) {
    lines.push(
      "",
      table([
        ["partner", "run wall ms", "crawler parsing every JSON body, wall ms", "ratio"],
        ...floored.map((r) => [r.size, fmt(r.checkerWallMs), fmt(r.parsingCrawlerWallMs), fmt(r.ratioToParsing, 2)]),
      ]),
    );
  }
  for (const f of out.failed) lines.push(`${f.size}: not measured: ${f.error}`);
  const small = out.run.find((r) => r.size === "small");
  const large = out.run.find((r) => r.size === "large");
  if (small && large) {
    lines.push(
      `data read grows ${fmt(large.bytes / small.bytes, 1)}x from small to large; peak RSS grows ${fmt(large.peakRssMiB / small.peakRssMiB, 2)}x`,
    );
  }
  lines.push("", table([["cold start", "median ms", "over node -e 0"], ...out.coldStart.map((c) => [c.name, fmt(c.medianMs), fmt(c.overNodeMs)])]));
  const v = out.validation;
  lines.push(
    "",
    table([
      ["validation", "records/s", "records/s incl. JSON.parse"],
      ["statement rows", fmt(v.statementRows.perSecond), fmt(v.statementRows.withParsePerSecond)],
      ["chart-of-accounts records", fmt(v.accounts.perSecond), fmt(v.accounts.withParsePerSecond)],
    ]),
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

const role = process.argv[2];
if (role === "--partner") {
  partnerRole(process.argv[3]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else if (role === "--crawl") {
  crawlRole().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
