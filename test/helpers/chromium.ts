/**
 * A real headless Chromium driven over the DevTools protocol (undici's WebSocket), for the HTML
 * report tests: load a file, collect console messages, exceptions, log entries and every network
 * request, evaluate expressions, take screenshots and print to PDF. There is no fallback: when
 * Chromium is missing the test fails (CI installs it in .ci/run).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "undici";

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  for (const name of CANDIDATES) {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new Error(
    `Chromium not found (tried ${CANDIDATES.join(", ")}; or set CHROMIUM_PATH). Install it: apt-get install -y chromium (.ci/run does this).`,
  );
}

export interface PageEvent {
  kind: "console" | "exception" | "log" | "request";
  level?: string;
  text: string;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

export class Browser {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private listeners: ((method: string, params: Record<string, unknown>, sessionId?: string) => void)[] = [];
  readonly events: PageEvent[] = [];
  private sessionId = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly ws: WebSocket,
    private readonly profile: string,
  ) {
    ws.addEventListener("message", (ev) => {
      const msg = JSON.parse(String(ev.data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result ?? {});
      } else if (msg.method) {
        for (const l of this.listeners) l(msg.method, msg.params ?? {}, msg.sessionId);
      }
    });
  }

  static async launch(timeoutMs = 20_000): Promise<Browser> {
    const bin = findChromium();
    const profile = mkdtempSync(join(tmpdir(), "rc-chromium-"));
    const child = spawn(
      bin,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        `--user-data-dir=${profile}`,
        "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1",
        "about:blank",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const wsUrl = await new Promise<string>((resolve, reject) => {
      let err = "";
      const timer = setTimeout(() => reject(new Error(`Chromium did not start within ${timeoutMs} ms:\n${err.slice(-2000)}`)), timeoutMs);
      child.stderr!.setEncoding("utf8").on("data", (d: string) => {
        err += d;
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited with ${code} before listening:\n${err.slice(-2000)}`));
      });
    });
    const ws = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve());
      ws.addEventListener("error", () => reject(new Error(`cannot connect to ${wsUrl}`)));
    });
    const browser = new Browser(child, ws, profile);
    await browser.attach();
    return browser;
  }

  send(method: string, params: Record<string, unknown> = {}, session = true): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const msg: Record<string, unknown> = { id, method, params };
    if (session && this.sessionId) msg.sessionId = this.sessionId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, 20_000);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify(msg));
    });
  }

  private async attach(): Promise<void> {
    const { targetId } = (await this.send("Target.createTarget", { url: "about:blank" }, false)) as { targetId: string };
    const { sessionId } = (await this.send("Target.attachToTarget", { targetId, flatten: true }, false)) as { sessionId: string };
    this.sessionId = sessionId;
    this.listeners.push((method, params, sid) => {
      if (sid !== this.sessionId) return;
      if (method === "Runtime.consoleAPICalled") {
        const args = (params.args as { value?: unknown; description?: string }[]) ?? [];
        this.events.push({ kind: "console", level: String(params.type), text: args.map((a) => String(a.value ?? a.description ?? "")).join(" ") });
      } else if (method === "Runtime.exceptionThrown") {
        const d = params.exceptionDetails as { text?: string; exception?: { description?: string } };
        this.events.push({ kind: "exception", level: "error", text: `${d.text ?? ""} ${d.exception?.description ?? ""}`.trim() });
      } else if (method === "Log.entryAdded") {
        const e = params.entry as { level: string; text: string; source: string };
        this.events.push({ kind: "log", level: e.level, text: `${e.source}: ${e.text}` });
      } else if (method === "Network.requestWillBeSent") {
        const r = params.request as { url: string };
        this.events.push({ kind: "request", text: r.url });
      }
    });
    await Promise.all([this.send("Page.enable"), this.send("Runtime.enable"), this.send("Log.enable"), this.send("Network.enable")]);
  }

  /** Navigates and resolves once the load event fired. */
  async open(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      const l = (method: string, _p: Record<string, unknown>, sid?: string) => {
        if (method === "Page.loadEventFired" && sid === this.sessionId) {
          this.listeners = this.listeners.filter((x) => x !== l);
          resolve();
        }
      };
      this.listeners.push(l);
    });
    const r = (await this.send("Page.navigate", { url })) as { errorText?: string };
    if (r.errorText) throw new Error(`navigation to ${url} failed: ${r.errorText}`);
    await loaded;
  }

  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send("Runtime.evaluate", { expression, returnByValue: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string };
    };
    if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  async setViewport(width: number, height: number): Promise<void> {
    await this.send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false });
  }

  /** PNG of the whole page. */
  async screenshot(): Promise<Buffer> {
    const r = (await this.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true })) as { data: string };
    return Buffer.from(r.data, "base64");
  }

  async printToPdf(): Promise<Buffer> {
    const r = (await this.send("Page.printToPDF", { printBackground: false })) as { data: string };
    return Buffer.from(r.data, "base64");
  }

  async close(): Promise<void> {
    try {
      await this.send("Browser.close", {}, false);
    } catch {
      /* already gone */
    }
    this.ws.close();
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        resolve();
      }, 5000);
      this.child.on("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** Runs Chromium's CLI once: `--dump-dom` of a file, as a second, protocol-free look at the page. */
export function dumpDom(url: string): string {
  const profile = mkdtempSync(join(tmpdir(), "rc-chromium-"));
  try {
    const r = spawnSync(
      findChromium(),
      ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`, "--dump-dom", url],
      { encoding: "utf8", timeout: 30_000 },
    );
    if (r.status !== 0) throw new Error(`chromium --dump-dom exited with ${r.status}: ${r.stderr.slice(-1000)}`);
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
