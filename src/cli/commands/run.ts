import { UsageError } from "../errors.js";
import type { Io } from "../main.js";
import { knownSecrets } from "../main.js";
import { readToken } from "../../config/token.js";
import { readClientCredentials, readEnvToken } from "../../config/credentials.js";
import { contractFrom, readCa, runAndPrint, runSettings } from "./shared.js";

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
      scopedToken,
    },
    opts,
    io,
  );
}
