import type { Probe } from "../types.js";
import { makeFinding } from "../support/findings.js";

const RULE = {
  ref: "reach:developer-checklist#general-setup",
  text: "Reach calls the partner API from its cloud: the base URL must resolve to an address reachable from the internet.",
};

export const probe: Probe = {
  id: "reachability.public-address",
  family: "reachability",
  step: 3,
  title: "The host resolves to a public address",
  description:
    "Resolves the base URL's host and classifies each address. When every address is private, link-local or loopback, Reach's cloud cannot reach the API (a warning: the URL may be a staging one); loopback alone, a local test run, is information.",
  async run(ctx) {
    const found = await ctx.http.resolveHost();
    if (found.error || found.addresses.length === 0) {
      return { findings: [], skip: `The host did not resolve (${found.error ?? "no address"}); see reachability.connection.` };
    }
    const list = found.addresses.map((a) => `${a.address} (${a.kind})`).join(", ");
    const publicOnes = found.addresses.filter((a) => a.kind === "public");
    if (publicOnes.length > 0) return { findings: [], summary: `${found.host} resolves to ${list}.` };
    const loopbackOnly = found.addresses.every((a) => a.kind === "loopback");
    return {
      findings: [
        makeFinding(ctx, {
          code: `${this.id}/${loopbackOnly ? "loopback" : "not-public"}`,
          severity: loopbackOnly ? "info" : "warn",
          message: loopbackOnly
            ? `${found.host} is this machine (${list}): fine for a local test run; Reach cannot reach it.`
            : `${found.host} resolves only to addresses Reach's cloud cannot reach: ${list}.`,
          rule: RULE,
          fix: "Hand Reach a base URL whose host has a public DNS record and is reachable from the internet (allow Reach's addresses through any firewall).",
          evidence: { request: ctx.http.baseUrl.pathname, expected: "at least one public address", actual: list },
        }),
      ],
      summary: loopbackOnly ? `${found.host} is loopback: a local test run; Reach needs a public host.` : undefined,
    };
  },
};
