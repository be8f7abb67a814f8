/**
 * Certificates made at test time with openssl in a temporary directory (no private key is ever
 * committed): a private CA, leaves signed by it (good, expiring soon, expired, for the wrong host),
 * a leaf signed by an intermediate of that CA (served with and without the intermediate) and a
 * self-signed leaf. Leaves name 127.0.0.1 and localhost.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const OPENSSL = "/usr/bin/openssl";

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestCerts {
  dir: string;
  /** Path of the CA certificate (for --ca / `ca`). */
  caFile: string;
  ca: string;
  good: KeyPair;
  expiringSoon: KeyPair;
  expired: KeyPair;
  wrongHost: KeyPair;
  selfSigned: KeyPair;
  /** Issued by an intermediate of the CA: `cert` is the leaf followed by the intermediate. */
  viaIntermediate: KeyPair;
  /** The same leaf served alone, without the intermediate that issued it. */
  missingIntermediate: KeyPair;
  cleanup(): void;
}

const LOCAL_SAN = "subjectAltName=IP:127.0.0.1,DNS:localhost";

/** `YYYYMMDDHHMMSSZ` for openssl ca, days from now. */
function stamp(daysFromNow: number): string {
  const d = new Date(Date.now() + daysFromNow * 86_400_000);
  return d.toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "reach-check-certs-"));
  const run = (args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
    "-subj", "/CN=reach-check test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  writeFileSync(
    join(dir, "ca.cnf"),
    [
      "[ca]", "default_ca = local",
      "[local]", "database = index.txt", "new_certs_dir = .", "certificate = ca.pem", "private_key = ca.key",
      "default_md = sha256", "policy = any", "serial = serial", "copy_extensions = copy", "unique_subject = no",
      "[any]", "commonName = supplied", "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "1000\n");
  const leaf = (name: string, san: string, fromDays: number, toDays: number): KeyPair => {
    run(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", "/CN=reach-check test server", "-addext", san]);
    run(["ca", "-batch", "-config", "ca.cnf", "-notext", "-startdate", stamp(fromDays), "-enddate", stamp(toDays), "-in", `${name}.csr`, "-out", `${name}.pem`]);
    return { key: readFileSync(join(dir, `${name}.key`), "utf8"), cert: readFileSync(join(dir, `${name}.pem`), "utf8") };
  };
  const good = leaf("good", LOCAL_SAN, -1, 365);
  // An intermediate CA signed by the CA, and a leaf it signs (with its own ca config).
  run(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "inter.key", "-out", "inter.csr", "-subj", "/CN=reach-check test intermediate",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  run(["ca", "-batch", "-config", "ca.cnf", "-notext", "-startdate", stamp(-1), "-enddate", stamp(365), "-in", "inter.csr", "-out", "inter.pem"]);
  writeFileSync(join(dir, "inter.cnf"), readFileSync(join(dir, "ca.cnf"), "utf8").replace("certificate = ca.pem", "certificate = inter.pem").replace("private_key = ca.key", "private_key = inter.key"));
  run(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "via.key", "-out", "via.csr", "-subj", "/CN=reach-check test server", "-addext", LOCAL_SAN]);
  run(["ca", "-batch", "-config", "inter.cnf", "-notext", "-startdate", stamp(-1), "-enddate", stamp(365), "-in", "via.csr", "-out", "via.pem"]);
  const viaKey = readFileSync(join(dir, "via.key"), "utf8");
  const viaLeaf = readFileSync(join(dir, "via.pem"), "utf8");
  const viaIntermediate = { key: viaKey, cert: viaLeaf + readFileSync(join(dir, "inter.pem"), "utf8") };
  const missingIntermediate = { key: viaKey, cert: viaLeaf };
  const expiringSoon = leaf("soon", LOCAL_SAN, -1, 10);
  const expired = leaf("expired", LOCAL_SAN, -400, -35);
  const wrongHost = leaf("wrong-host", "subjectAltName=DNS:api.wrong-host.example", -1, 365);
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "self.key", "-out", "self.pem", "-days", "365", "-subj", "/CN=127.0.0.1", "-addext", LOCAL_SAN]);
  const selfSigned = { key: readFileSync(join(dir, "self.key"), "utf8"), cert: readFileSync(join(dir, "self.pem"), "utf8") };
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    ca: readFileSync(join(dir, "ca.pem"), "utf8"),
    good,
    expiringSoon,
    expired,
    wrongHost,
    selfSigned,
    viaIntermediate,
    missingIntermediate,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
