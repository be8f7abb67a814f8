/**
 * Where a host name leads, seen from the internet: Reach calls partners from its cloud, so an
 * address that only makes sense inside one network (loopback, private ranges, link-local) is one
 * Reach cannot reach.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

export type AddressKind = "loopback" | "private" | "link-local" | "unspecified" | "public";

function ipv4Kind(ip: string): AddressKind {
  const [a, b] = ip.split(".").map(Number) as [number, number];
  if (a === 127) return "loopback";
  if (a === 0) return "unspecified";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  // Carrier-grade NAT space (RFC 6598) is not routable from the internet either.
  if (a === 100 && b >= 64 && b <= 127) return "private";
  if (a === 169 && b === 254) return "link-local";
  return "public";
}

/** Kind of one IP address (v4 or v6); anything that is not an IP literal counts as public. */
export function addressKind(address: string): AddressKind {
  const ip = address.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const version = isIP(ip);
  if (version === 4) return ipv4Kind(ip);
  if (version !== 6) return "public";
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return ipv4Kind(mapped[1]!);
  if (lower === "::1") return "loopback";
  if (lower === "::") return "unspecified";
  const first = parseInt(lower.split(":")[0] || "0", 16);
  if ((first & 0xffc0) === 0xfe80) return "link-local";
  if ((first & 0xfe00) === 0xfc00) return "private"; // unique local addresses, fc00::/7
  return "public";
}

export interface HostAddresses {
  host: string;
  addresses: { address: string; kind: AddressKind }[];
  /** Why the name did not resolve, when it did not. */
  error?: string;
}

/** Resolves a host (or takes an IP literal as is) and classifies every address; never rejects. */
export async function resolveHost(host: string, timeoutMs: number): Promise<HostAddresses> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare) !== 0) return { host, addresses: [{ address: bare, kind: addressKind(bare) }] };
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await Promise.race([
      lookup(bare, { all: true, verbatim: true }),
      new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new Error(`DNS lookup took longer than ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { host, addresses: found.map((a) => ({ address: a.address, kind: addressKind(a.address) })) };
  } catch (err) {
    return { host, addresses: [], error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** True for `localhost` names and loopback literals: a base URL only this machine can use. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  return isIP(bare) !== 0 && addressKind(bare) === "loopback";
}
