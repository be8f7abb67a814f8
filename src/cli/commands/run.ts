import { UsageError } from "../errors.js";
import type { Io } from "../main.js";
import { knownSecrets } from "../main.js";
import { readToken } from "../../config/token.js";
import { readClientCredentials, readEnvToken } from "../../config/credentials.js";
import { contractFrom, readCa, runAndPrint, runSettings } from "./shared.js";
import { checkWritable, shellQuote, writePrivateFile } from "../private-file.js";

export default async function run(opts: Record<string, unknown>, io: Io): Promise<number> {
  if (typeof opts.baseUrl !== "string") {
    throw new UsageError("run needs --base-url <url>, the partner API's base URL (try `reach-check demo` to see a run against the bundled reference partner)");
  }
  const tokenEnv = opts.tokenEnv as string;
  const token = readToken({ tokenEnv, tokenFile: opts.tokenFile as string | undefined, env: io.env });
  knownSecrets.push(token);
  const credentials = readClientCredentials(io.env);
  if (credentials) knownSecrets.push(credentials.clientSecret, credentials.refreshToken);
  const scopedEnv = opts.scopedTokenEnv as string | undefined;
  const scopedToken = scopedEnv ? { token: readEnvToken(io.env, scopedEnv, "--scoped-token-env"), envName: scopedEnv } : undefined;
  if (scopedToken) knownSecrets.push(scopedToken.token);
  const refreshOut = opts.refreshTokenOut as string | undefined;
  if (refreshOut !== undefined && !credentials) {
    throw new UsageError("--refresh-token-out needs REACH_CLIENT_ID, REACH_CLIENT_SECRET and REACH_REFRESH_TOKEN (the OAuth client and a refresh token)");
  }
  // A path that cannot be written must not cost a whole run: its folder is checked now.
  if (refreshOut !== undefined) checkWritable(refreshOut, "--refresh-token-out");
  // The live refresh token after the run: kept where asked, and a spent one is said to be spent.
  const onRefreshToken = (live: string, rotated: boolean): void => {
    if (refreshOut !== undefined) {
      writePrivateFile(refreshOut, `export REACH_REFRESH_TOKEN=${shellQuote(live)}\n`, "--refresh-token-out");
      io.stderr(`reach-check: the refresh token that works now is in ${refreshOut} (readable only by you); load it with:  . ${shellQuote(refreshOut)}\n`);
    } else if (rotated) {
      io.stderr(
        "reach-check: the partner rotated the refresh token, so the one in REACH_REFRESH_TOKEN is spent: do not send it again (a partner with reuse detection revokes every token of the grant). Get a fresh one with `reach-check login`, or keep the new one next time with --refresh-token-out FILE.\n",
      );
    }
  };
  const ca = readCa(opts.ca);
  const contract = await contractFrom(opts);
  return runAndPrint(
    {
      ...runSettings(opts),
      baseUrl: opts.baseUrl,
      token,
      tokenEnvName: opts.tokenFile !== undefined ? "REACH_ACCESS_TOKEN" : tokenEnv,
      companies: opts.company as string[] | undefined,
      contract,
      ca,
      ...(ca !== undefined ? { caFile: String(opts.ca) } : {}),
      credentials,
      onRefreshToken,
      scopedToken,
    },
    opts,
    io,
  );
}
