import { UsageError } from "../errors.js";
import type { Io } from "../main.js";
import { knownSecrets } from "../main.js";
import { contractFrom, runAndPrint, runSettings } from "./shared.js";
import { readClientCredentials } from "../../config/credentials.js";
import type { DataSize } from "../../reference-partner/index.js";

export async function checkBreaks(requested: unknown): Promise<string[]> {
  const { listDefects } = await import("../../reference-partner/defects.js");
  const known = listDefects().map((d) => d.id);
  const breaks = (requested as string[] | undefined) ?? [];
  for (const b of breaks) {
    if (!known.includes(b)) throw new UsageError(`--break: unknown switch "${b}"; run with --list-breaks to see the ${known.length} switches`);
  }
  return breaks;
}

/** The token the reference partner should accept, when the user set one in REACH_ACCESS_TOKEN. */
export function presetToken(io: Io): string | undefined {
  const t = io.env.REACH_ACCESS_TOKEN?.trim();
  return t ? t : undefined;
}

export async function listBreaks(io: Io): Promise<number> {
  const { listDefects } = await import("../../reference-partner/defects.js");
  const defects = listDefects();
  const width = Math.max(...defects.map((d) => d.id.length));
  let family = "";
  for (const d of defects) {
    if (d.family !== family) {
      family = d.family;
      io.stdout(`${family}\n`);
    }
    io.stdout(`  ${d.id.padEnd(width)}  ${d.description}\n`);
  }
  return 0;
}

export default async function demo(opts: Record<string, unknown>, io: Io): Promise<number> {
  if (opts.listBreaks) return listBreaks(io);
  const breaks = await checkBreaks(opts.break);
  const contract = await contractFrom(opts);
  const settings = runSettings(opts);
  const { startPartner } = await import("../../reference-partner/index.js");
  // Tokens and client credentials set in the environment become the reference partner's, so runs are reproducible.
  const preset = readClientCredentials(io.env);
  const partner = await startPartner({
    now: settings.now,
    defects: breaks,
    accessToken: presetToken(io),
    size: opts.size as DataSize | undefined,
    ...(preset ? { clientId: preset.clientId, clientSecret: preset.clientSecret, refreshToken: preset.refreshToken } : {}),
  });
  // The demo exercises the OAuth lifecycle and company scoping too: a second token for the first company only.
  const scopedToken = partner.companies.length > 1 ? { token: partner.issueToken([partner.companies[0]!.id]), envName: "REACH_SCOPED_TOKEN" } : undefined;
  knownSecrets.push(partner.accessToken, partner.clientSecret, partner.refreshToken, ...(scopedToken ? [scopedToken.token] : []));
  try {
    return await runAndPrint(
      {
        ...settings,
        baseUrl: partner.baseUrl,
        token: partner.accessToken,
        tokenEnvName: "REACH_ACCESS_TOKEN",
        secrets: [partner.clientSecret, partner.refreshToken],
        credentials: { clientId: partner.clientId, clientSecret: partner.clientSecret, refreshToken: partner.refreshToken },
        scopedToken,
        contract,
      },
      opts,
      io,
    );
  } finally {
    await partner.close();
  }
}
