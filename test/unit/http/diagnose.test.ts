import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { client, closedPort, server } from "./helpers.js";

describe("diagnose", () => {
  it("times DNS, TCP and the first HTTP answer on a plain http base URL", async () => {
    const paths: string[] = [];
    const s = await server((req) => (paths.push(req.url.pathname), { status: 404, headers: { "content-type": "text/html" }, body: "x" }));
    const c = client(`${s.url}/api`);
    const r = await c.diagnose();
    expect(r.ok).toBe(true);
    expect(r.steps.map((x) => [x.name, x.ok])).toEqual([
      ["dns", true],
      ["tcp", true],
      ["http", true],
    ]);
    expect(r.addresses).toEqual(["127.0.0.1"]);
    expect(r.firstResponse).toEqual({ status: 404, contentType: "text/html" });
    expect(r.tls).toBeUndefined();
    expect(paths).toEqual(["/api"]);
    expect(r.steps.every((x) => x.durationMs >= 0 && !x.detail.includes("\n"))).toBe(true);
  });

  it("works on an IPv6 loopback literal", async () => {
    const s = await server(() => ({ status: 200, body: "{}" }), { host: "::1" });
    expect(s.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const c = client(s.url);
    const r = await c.diagnose();
    expect(r.ok).toBe(true);
    expect(r.addresses).toEqual(["::1"]);
    expect(r.steps.find((x) => x.name === "tcp")!.detail).toContain("[::1]:");
    expect(r.firstResponse?.status).toBe(200);
    const ex = await c.send({ method: "GET", path: "/x" });
    expect(ex.response?.status).toBe(200);
  });

  it("stops at a failed TCP connect and does not list later steps", async () => {
    const port = await closedPort();
    const c = client(`http://127.0.0.1:${port}`);
    const r = await c.diagnose();
    expect(r.ok).toBe(false);
    expect(r.steps.map((x) => [x.name, x.ok])).toEqual([
      ["dns", true],
      ["tcp", false],
    ]);
    expect(r.steps[1]!.detail).toMatch(/refused/);
    expect(c.samples()).toHaveLength(0);
  });
});

const hasOpenssl = spawnSync("sh", ["-c", "command -v openssl"]).status === 0;

describe.skipIf(!hasOpenssl)("TLS", () => {
  const dir = mkdtempSync(join(tmpdir(), "reach-check-tls-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const made = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=reach-check test",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
    { stdio: "ignore" },
  );
  const read = (name: string) => (made.status === 0 ? readFileSync(join(dir, name), "utf8") : "");

  it("reports an untrusted certificate and stops before HTTP; requests fail as tls", async () => {
    const s = await server(() => ({ status: 200, body: "{}" }), { tls: { key: read("key.pem"), cert: read("cert.pem") } });
    const c = client(s.url);
    const r = await c.diagnose();
    expect(r.ok).toBe(false);
    expect(r.steps.map((x) => x.name)).toEqual(["dns", "tcp", "tls"]);
    expect(r.tls).toMatchObject({ authorized: false, authorizationError: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(r.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    const ex = await c.send({ method: "GET", path: "/" });
    expect(ex.error?.code).toBe("tls");
  });

  it("trusts an extra CA for both the handshake report and requests", async () => {
    const s = await server(() => ({ status: 200, body: "{}" }), { tls: { key: read("key.pem"), cert: read("cert.pem") } });
    const c = client(s.url, { ca: read("cert.pem") });
    const r = await c.diagnose();
    expect(r.ok).toBe(true);
    expect(r.steps.map((x) => x.name)).toEqual(["dns", "tcp", "tls", "http"]);
    expect(r.tls).toMatchObject({ authorized: true });
    expect(r.tls?.cipher).toBeTruthy();
    expect(r.steps[2]!.detail).toContain("certificate trusted");
    expect((await c.send({ method: "GET", path: "/" })).response?.status).toBe(200);
  });
});
