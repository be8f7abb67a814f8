import { UsageError } from "../errors.js";
import type { Io } from "../main.js";
import { knownSecrets } from "../main.js";
import { contractFrom, runAndPrint, runSettings } from "./shared.js";

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
  // A token set in the environment becomes the reference partner's token, so runs are reproducible.
  const partner = await startPartner({ now: settings.now, defects: breaks, accessToken: presetToken(io) });
  knownSecrets.push(partner.accessToken, partner.clientSecret, partner.refreshToken);
  try {
    return await runAndPrint(
      {
        ...settings,
        baseUrl: partner.baseUrl,
        token: partner.accessToken,
        tokenEnvName: "REACH_ACCESS_TOKEN",
        secrets: [partner.clientSecret, partner.refreshToken],
        contract,
      },
      opts,
      io,
    );
  } finally {
    await partner.close();
  }
}
