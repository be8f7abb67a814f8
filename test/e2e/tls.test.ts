/**
 * The reference partner served over HTTPS with certificates made for the test: each certificate
 * problem is named by tls.certificate, the protocol checks read what the server negotiates, and
 * a server limited to TLS 1.1 is caught where this platform can serve one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkReference, codes, resultOf } from "../helpers/harness.js";
import { makeTestCerts, type KeyPair, type TestCerts } from "../helpers/certs.js";
import { tlsHandshake } from "../../src/http/tls.js";
import { startServer } from "../../src/http/server.js";
import type { SecureVersion } from "node:tls";

let certs: TestCerts;
beforeAll(() => {
  certs = makeTestCerts();
});
afterAll(() => certs?.cleanup());

const TLS_CHECKS = ["tls.https", "tls.protocol", "tls.legacy-versions", "tls.certificate"];

function over(pair: () => KeyPair, opts: { ca?: boolean; minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string } = {}) {
  return checkReference({
    only: [...TLS_CHECKS, "reachability.connection"],
    partner: { tls: { ...pair(), minVersion: opts.minVersion, maxVersion: opts.maxVersion, ciphers: opts.ciphers } },
    settings: opts.ca ? { ca: certs.ca } : {},
  });
}

describe("https reference partner", () => {
  it("a good certificate from a CA given with --ca: every TLS check passes, TLS 1.3 negotiated", async () => {
    const report = await over(() => certs.good, { ca: true });
    expect(report.target.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:/);
    for (const id of ["tls.https", "tls.protocol", "tls.certificate", "reachability.connection"]) {
      const r = resultOf(report, id);
      expect(r.status, `${id}: ${JSON.stringify(r)}`).toBe("pass");
    }
    expect(resultOf(report, "tls.protocol").summary).toContain("TLSv1.3");
    expect(resultOf(report, "tls.certificate").summary).toMatch(/Trusted certificate for 127\.0\.0\.1, 36[45] days left/);
    // Node's default server refuses TLS 1.0/1.1, or this machine cannot offer them: either way no warning.
    const legacy = resultOf(report, "tls.legacy-versions");
    expect(["pass", "skip"]).toContain(legacy.status);
    expect(legacy.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });

  it("with --ca, a failing request's curl line trusts the same CA file (--cacert), so that it reproduces", async () => {
    const report = await checkReference({
      only: ["schema.company-info"],
      defects: ["wrong-type"],
      partner: { tls: certs.good },
      settings: { ca: certs.ca, caFile: certs.caFile },
    });
    const f = resultOf(report, "schema.company-info").findings.find((x) => x.curl !== undefined);
    expect(f, JSON.stringify(resultOf(report, "schema.company-info"))).toBeDefined();
    expect(f!.curl).toMatch(new RegExp(`^curl -sS -i --cacert '${certs.caFile.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}' -X GET 'https://127\\.0\\.0\\.1:\\d+/`));
  });

  it("a chain with its intermediate passes; the same leaf served without it fails, naming the missing intermediate", async () => {
    const full = resultOf(await over(() => certs.viaIntermediate, { ca: true }), "tls.certificate");
    expect(full.status, JSON.stringify(full.findings)).toBe("pass");
    const r = resultOf(await over(() => certs.missingIntermediate, { ca: true }), "tls.certificate");
    expect(codes(r)).toEqual(["tls.certificate/untrusted"]);
    expect(r.findings[0]!.message).toMatch(/\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): nothing the server sent, and no trusted CA \(system roots or --ca\), issued its certificate \(issuer: .*intermediate.*\)\. Either the server sends its certificate without the intermediate certificates/);
    expect(r.findings[0]!.fix).toMatch(/^Serve the full chain: the certificate followed by every intermediate up to the root/);
    expect(r.findings[0]!.fix).toMatch(/an intermediate added to --ca would hide a missing one/);
  });

  it("a self-signed certificate without --ca fails as untrusted", async () => {
    const report = await over(() => certs.selfSigned);
    const r = resultOf(report, "tls.certificate");
    expect(r.status).toBe("fail");
    expect(codes(r)).toEqual(["tls.certificate/untrusted"]);
    expect(r.findings[0]!.message).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(resultOf(report, "reachability.connection").status).toBe("fail");
  });

  it("the same CA-signed certificate without --ca fails as untrusted", async () => {
    const r = resultOf(await over(() => certs.good), "tls.certificate");
    expect(codes(r)).toEqual(["tls.certificate/untrusted"]);
    expect(r.findings[0]!.fix).toMatch(/run reach-check with --ca <file>/);
  });

  it("a certificate that the CA given with --ca did not issue: the advice names that CA file, not --ca itself", async () => {
    const r = resultOf(await over(() => certs.selfSigned, { ca: true }), "tls.certificate");
    expect(codes(r)).toEqual(["tls.certificate/untrusted"]);
    expect(r.findings[0]!.message).toMatch(/: issued by .+, which is neither a system root nor the CA given with --ca\.$/);
    expect(r.findings[0]!.fix).toMatch(/check that the file given with --ca holds the CA that issued this certificate/);
    expect(r.findings[0]!.fix).not.toMatch(/run reach-check with --ca/);
  });

  it("an expired certificate fails as expired", async () => {
    const r = resultOf(await over(() => certs.expired, { ca: true }), "tls.certificate");
    expect(r.status).toBe("fail");
    expect(codes(r)).toEqual(["tls.certificate/expired"]);
  });

  it("a certificate for another host fails as a name mismatch", async () => {
    const r = resultOf(await over(() => certs.wrongHost, { ca: true }), "tls.certificate");
    expect(r.status).toBe("fail");
    expect(codes(r)).toEqual(["tls.certificate/name-mismatch"]);
    expect(r.findings[0]!.message).toContain("127.0.0.1");
    // The names it does carry, not Node's bare "not in the cert's list:".
    expect(r.findings[0]!.message).toMatch(/^The certificate is not valid for 127\.0\.0\.1: it names only DNS:\S+/);
  });

  it("a certificate expiring within 30 days warns", async () => {
    const r = resultOf(await over(() => certs.expiringSoon, { ca: true }), "tls.certificate");
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["tls.certificate/expires-soon"]);
  });

  it("a server without TLS 1.3 warns", async () => {
    const r = resultOf(await over(() => certs.good, { ca: true, maxVersion: "TLSv1.2" }), "tls.protocol");
    expect(r.status).toBe("warn");
    expect(codes(r)).toEqual(["tls.protocol/no-tls13"]);
  });

  it("a server limited to TLS 1.1 fails tls.protocol and warns in tls.legacy-versions (or says it could not test)", async (ctx) => {
    // Can this platform serve and offer TLS 1.1 at all? Ask it directly first.
    const probe = await startServer(() => ({ status: 200 }), {
      tls: { ...certs.good, minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" },
    });
    const direct = await tlsHandshake({ host: "127.0.0.1", port: probe.port, minVersion: "TLSv1.1", maxVersion: "TLSv1.1", timeoutMs: 5000 });
    await probe.close();
    const report = await over(() => certs.good, { ca: true, minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
    const protocol = resultOf(report, "tls.protocol");
    expect(protocol.status).toBe("fail");
    expect(codes(protocol)).toEqual(["tls.protocol/below-1.2"]);
    // The connection check names a refused version in plain words, not OpenSSL's.
    const conn = resultOf(report, "reachability.connection");
    expect(codes(conn)).toEqual(["reachability.connection/tls"]);
    expect(conn.findings[0]!.message).toMatch(/the server and reach-check share no TLS version: reach-check offers TLS 1\.2 and 1\.3/);
    expect(conn.findings[0]!.message).not.toMatch(/deps\/openssl|ssl3_read_bytes/);
    expect(conn.findings[0]!.fix).toMatch(/^Enable TLS 1\.2 and TLS 1\.3 on the server/);
    const legacy = resultOf(report, "tls.legacy-versions");
    if (direct.outcome !== "accepted") {
      // Recorded, not hidden: this platform cannot speak TLS 1.1, and the check says so.
      ctx.annotate?.(`this platform could not make a TLS 1.1 handshake (${direct.error ?? direct.outcome})`);
      expect(legacy.status === "skip" || codes(legacy).includes("tls.legacy-versions/not-tested")).toBe(true);
      return;
    }
    expect(direct.protocol).toBe("TLSv1.1");
    expect(protocol.findings[0]!.message).toContain("TLSv1.1");
    expect(legacy.status).toBe("warn");
    expect(codes(legacy)).toContain("tls.legacy-versions/accepted");
    expect(legacy.findings.some((f) => f.message.includes("TLS 1.1"))).toBe(true);
  });
});
