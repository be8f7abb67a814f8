import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { shellQuote } from "../../../src/http/curl.js";
import { Redactor } from "../../../src/util/redact.js";
import type { ServerRequest } from "../../../src/http/server.js";
import { TOKEN, client, server } from "./helpers.js";

const hasCurl = spawnSync("sh", ["-c", "command -v curl"]).status === 0;

/** Synchronous: only for lines that do not talk to a server in this process. */
function bash(line: string): string {
  return execFileSync("bash", ["-c", line], { env: { PATH: process.env.PATH ?? "" }, encoding: "utf8", timeout: 5_000 });
}

/** Asynchronous, so the loopback server in this process can answer while the shell runs. */
async function bashAsync(line: string, env: Record<string, string>): Promise<string> {
  const run = promisify(execFile);
  const { stdout } = await run("bash", ["-c", line], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 5_000 });
  return stdout;
}

describe("shellQuote", () => {
  it.each(["plain", "it's", "'''", "$HOME `id` $(id) \\ \"q\"", "", "a\nb\tc", "é ü"])("round-trips %j through bash", (word) => {
    const quoted = shellQuote(word);
    expect(quoted).not.toMatch(/\n/);
    expect(bash(`printf %s ${quoted}`)).toBe(word);
  });
});

describe("curl lines", () => {
  it("writes the run token as a double-quoted environment variable, never its value", async () => {
    const s = await server(() => ({ status: 200, body: "{}" }));
    const c = client(s.url, { tokenEnvName: "MY_TOKEN" });
    const ex = await c.send({ method: "POST", path: "/companies/c1/non-financial", body: { json: { Data: [{ Name: "O'Brien" }] } } });
    const line = c.curl(ex);
    expect(line).toBe(
      `curl -sS -i -X POST '${s.url}/companies/c1/non-financial' -H "Authorization: Bearer $MY_TOKEN" ` +
        `-H 'Content-Type: application/json' -H 'Accept: application/json' --data '{"Data":[{"Name":"O'\\''Brien"}]}'`,
    );
    expect(line).not.toContain(TOKEN);
  });

  it("writes no Authorization for auth none, and a fake custom bearer as is", async () => {
    const s = await server(() => ({ status: 401, body: "{}" }));
    const c = client(s.url);
    const none = await c.send({ method: "GET", path: "/auth/oauth-discovery", auth: "none" });
    expect(c.curl(none)).toBe(`curl -sS -i -X GET '${s.url}/auth/oauth-discovery' -H 'Accept: application/json'`);
    const custom = await c.send({ method: "GET", path: "/x", auth: { bearer: "reach-check-invalid-token" } });
    expect(c.curl(custom)).toContain(`-H 'Authorization: Bearer reach-check-invalid-token'`);
    // Sent twice: still printable, although the client registered it as a secret the first time.
    const again = await c.send({ method: "GET", path: "/y", auth: { bearer: "reach-check-invalid-token" } });
    expect(c.curl(again)).toContain("Bearer reach-check-invalid-token");
  });

  it("hides a real secret inside a custom bearer value", async () => {
    const s = await server(() => ({ status: 401, body: "{}" }));
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/x", auth: { bearer: `${TOKEN}-tampered` } });
    const line = c.curl(ex);
    expect(line).not.toContain(TOKEN);
    expect(line).toContain("Bearer [REDACTED]-tampered");
  });

  it("sends and writes a custom scheme in front of the value (a fake Basic credential)", async () => {
    let seen: string | undefined;
    const s = await server((req) => {
      seen = req.headers.authorization;
      return { status: 401, body: "{}" };
    });
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/x", auth: { scheme: "Basic", bearer: "cmVhY2gtY2hlY2s6bm90LWEtc2VjcmV0", public: true } });
    expect(seen).toBe("Basic cmVhY2gtY2hlY2s6bm90LWEtc2VjcmV0");
    expect(c.curl(ex)).toContain(`-H 'Authorization: Basic cmVhY2gtY2hlY2s6bm90LWEtc2VjcmV0'`);
    expect(ex.request.headers.authorization).toBe("Basic ***");
    // A secret value keeps its scheme and is hidden.
    const secret = await c.send({ method: "GET", path: "/y", auth: { scheme: "Basic", bearer: TOKEN } });
    expect(c.curl(secret)).toContain("Authorization: Basic [REDACTED]");
    expect(c.curl(secret)).not.toContain(TOKEN);
  });

  it("uses -I for HEAD", async () => {
    const s = await server(() => ({ status: 200 }));
    const c = client(s.url);
    const ex = await c.send({ method: "HEAD", path: "/" });
    expect(c.curl(ex)).toMatch(/^curl -sS -I '/);
    expect(c.curl(ex)).not.toContain(" -i ");
  });

  it.skipIf(!hasCurl)("reproduces the request when run through bash with the variable set", async () => {
    const seen: ServerRequest[] = [];
    const s = await server((req) => (seen.push(req), { status: 200, body: "{}" }));
    const c = client(`${s.url}/pre`);
    const body = { Data: [{ Value: 1.5, Note: "it's $HOME `x` \"q\"" }] };
    const ex = await c.send({ method: "POST", path: "/companies/c 1/non-financial", query: { a: "x y" }, body: { json: body } });
    await bashAsync(`${c.curl(ex)} --max-time 4 -o /dev/null`, { REACH_ACCESS_TOKEN: TOKEN });
    expect(seen).toHaveLength(2);
    const [viaClient, viaCurl] = seen as [ServerRequest, ServerRequest];
    expect(viaCurl.method).toBe("POST");
    expect(viaCurl.url.href).toBe(viaClient.url.href);
    expect(viaCurl.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(viaCurl.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(viaCurl.body.toString())).toEqual(body);
  });

  it.skipIf(!hasCurl)("writes a token sent in the query as -G --data-urlencode from the variable, other parameters kept in order", async () => {
    const seen: ServerRequest[] = [];
    const s = await server((req) => (seen.push(req), { status: 200, body: "{}" }));
    const c = client(s.url);
    const ex = await c.send({ method: "GET", path: "/companies/c1", query: { b: "x y", a: "1&2" }, auth: "query" });
    const line = c.curl(ex);
    expect(line).toContain(`'${s.url}/companies/c1?b=x%20y&a=1%262' -G --data-urlencode "access_token=$REACH_ACCESS_TOKEN"`);
    expect(line).not.toContain("REDACTED");
    expect(line).not.toContain(TOKEN);
    await bashAsync(`${line} --max-time 4 -o /dev/null`, { REACH_ACCESS_TOKEN: TOKEN });
    expect(seen).toHaveLength(2);
    const [viaClient, viaCurl] = seen as [ServerRequest, ServerRequest];
    expect(viaCurl.method).toBe("GET");
    // curl writes percent-encodings in lower case: compare the decoded parameters, in order.
    expect(viaCurl.url.pathname).toBe(viaClient.url.pathname);
    expect([...viaCurl.url.searchParams]).toEqual([...viaClient.url.searchParams]);
    expect([...viaCurl.url.searchParams]).toEqual([["b", "x y"], ["a", "1&2"], ["access_token", TOKEN]]);
    expect(viaCurl.headers.authorization).toBeUndefined();
  });

  it.skipIf(!hasCurl)("rebuilds a token request's form from the OAuth variables, secrets never written down", async () => {
    const seen: ServerRequest[] = [];
    const s = await server((req) => (seen.push(req), { status: 400, body: '{"error":"invalid_grant"}' }));
    // Secrets with characters a form must encode.
    const refresh = "rt+/=&abc 123";
    const secret = "cs%$`\"x";
    const redactor = new Redactor();
    redactor.add(refresh);
    redactor.add(secret);
    const c = client(s.url, { redactor });
    const form = { grant_type: "refresh_token", refresh_token: refresh, client_id: "client-1", client_secret: secret };
    const ex = await c.send({ method: "POST", path: "/oauth2/token", auth: "none", body: { form } });
    const line = c.curl(ex);
    expect(line).toContain(`--data-urlencode "refresh_token=$REACH_REFRESH_TOKEN"`);
    expect(line).toContain(`--data-urlencode "client_secret=$REACH_CLIENT_SECRET"`);
    expect(line).not.toContain("REDACTED");
    for (const spelling of [refresh, secret, encodeURIComponent(refresh), encodeURIComponent(secret)]) expect(line).not.toContain(spelling);
    await bashAsync(`${line} --max-time 4 -o /dev/null`, { REACH_REFRESH_TOKEN: refresh, REACH_CLIENT_SECRET: secret });
    expect(seen).toHaveLength(2);
    const [viaClient, viaCurl] = seen as [ServerRequest, ServerRequest];
    expect(Object.fromEntries(new URLSearchParams(viaCurl.body.toString()))).toEqual(form);
    expect(Object.fromEntries(new URLSearchParams(viaClient.body.toString()))).toEqual(form);
    expect(viaCurl.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });
});

