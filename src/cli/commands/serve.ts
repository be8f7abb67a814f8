import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import type { Io } from "../main.js";
import { knownSecrets } from "../main.js";
import { checkBreaks, listBreaks, presetToken } from "./demo.js";
import type { DataSize } from "../../reference-partner/index.js";

/**
 * Runs the reference partner until interrupted. The access token is written to a file readable
 * only by the user, never printed: the printed lines show how to load it.
 */
export default async function serve(opts: Record<string, unknown>, io: Io): Promise<number> {
  if (opts.listBreaks) return listBreaks(io);
  const breaks = await checkBreaks(opts.break);
  const { startPartner } = await import("../../reference-partner/index.js");
  let partner;
  try {
    partner = await startPartner({
      host: opts.host as string,
      port: opts.port as number,
      now: opts.now ? new Date(opts.now as string) : undefined,
      defects: breaks,
      accessToken: presetToken(io),
      size: opts.size as DataSize | undefined,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAFNOSUPPORT") {
      throw new UsageError(`cannot listen on ${String(opts.host)}:${String(opts.port)} (${code})`);
    }
    throw err;
  }
  knownSecrets.push(partner.accessToken, partner.clientSecret, partner.refreshToken);
  const dir = mkdtempSync(join(tmpdir(), "reach-check-serve-"));
  const tokenFile = join(dir, "access-token");
  writeFileSync(tokenFile, `${partner.accessToken}\n`, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  io.stdout(
    [
      `Reach reference partner listening on ${partner.baseUrl}`,
      `Companies: ${partner.companies.map((c) => c.id).join(", ")}`,
      breaks.length > 0 ? `Defect switches on: ${breaks.join(", ")}` : "Defect switches: none",
      `Access token (readable only by you): ${tokenFile}`,
      "",
      "In another shell:",
      `  export REACH_ACCESS_TOKEN="$(cat '${tokenFile}')"`,
      `  npx reach-check run --base-url ${partner.baseUrl}`,
      "",
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await partner.close();
  return 0;
}
