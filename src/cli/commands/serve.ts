import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import type { Io } from "../main.js";
import { knownSecrets } from "../main.js";
import { checkBreaks, listBreaks, presetToken } from "./demo.js";
import type { DataSize, RunningPartner } from "../../reference-partner/index.js";

/** A value for a POSIX shell, single-quoted. */
const shellQuoted = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the reference partner until interrupted. The access token, and the OAuth client and refresh
 * token the oauth.* checks need, are written to files readable only by the user, never printed:
 * the printed lines show how to load them.
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
  // The directory holds secrets: it goes when serve stops, however it stops (a signal, an error,
  // process.exit; the "exit" hook covers the last).
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeDir);
  try {
    await serveFrom(dir, partner, breaks, io);
  } finally {
    removeDir();
    process.removeListener("exit", removeDir);
    await partner.close();
  }
  return 0;
}

/** Writes the credential files into `dir`, prints how to use them, and waits for SIGINT or SIGTERM. */
async function serveFrom(dir: string, partner: RunningPartner, breaks: string[], io: Io): Promise<void> {
  const tokenFile = join(dir, "access-token");
  writeFileSync(tokenFile, `${partner.accessToken}\n`, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  // Everything a run needs for the OAuth checks too (refresh grant, client authentication).
  const envFile = join(dir, "credentials.env");
  const vars: [string, string][] = [
    ["REACH_ACCESS_TOKEN", partner.accessToken],
    ["REACH_CLIENT_ID", partner.clientId],
    ["REACH_CLIENT_SECRET", partner.clientSecret],
    ["REACH_REFRESH_TOKEN", partner.refreshToken],
  ];
  // A second token for the first company alone, for auth.company-scope (--scoped-token-env).
  if (partner.companies.length > 1) {
    const scoped = partner.issueToken([partner.companies[0]!.id]);
    knownSecrets.push(scoped);
    vars.push(["REACH_SCOPED_TOKEN", scoped]);
  }
  writeFileSync(envFile, vars.map(([name, value]) => `export ${name}=${shellQuoted(value)}\n`).join(""), { mode: 0o600 });
  chmodSync(envFile, 0o600);
  io.stdout(
    [
      `Reach reference partner listening on ${partner.baseUrl}`,
      `Companies: ${partner.companies.map((c) => c.id).join(", ")}`,
      breaks.length > 0 ? `Defect switches on: ${breaks.join(", ")}` : "Defect switches: none",
      `Access token (readable only by you): ${tokenFile}`,
      `Access token, OAuth client, refresh token and a token for one company as shell exports (readable only by you): ${envFile}`,
      "",
      "In another shell:",
      `  export REACH_ACCESS_TOKEN="$(cat '${tokenFile}')"`,
      `  npx reach-check run --base-url ${partner.baseUrl}`,
      "or, with the OAuth and company-scope checks too:",
      `  . '${envFile}'`,
      `  npx reach-check run --base-url ${partner.baseUrl}${partner.companies.length > 1 ? " --scoped-token-env REACH_SCOPED_TOKEN" : ""}`,
      "",
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    // Once stopping, a second signal ends the process at once (the directory is removed first).
    const stop = () => {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
