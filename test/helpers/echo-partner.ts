/**
 * A reference partner that echoes the Authorization header back in every answer: in a header, and
 * in JSON bodies raw and base64-encoded. Whatever reach-check prints must still hide the token.
 */
import { createPartnerHandler } from "../../src/reference-partner/index.js";
import { startServer, type RunningServer } from "../../src/http/server.js";

export function startEchoingPartner(now: Date, accessToken: string): Promise<RunningServer> {
  const inner = createPartnerHandler({ now, accessToken });
  return startServer(async (req) => {
    const reply = await inner(req);
    const auth = req.headers.authorization ?? "";
    const headers: Record<string, string> = { ...(reply.headers ?? {}), "x-echo-authorization": auth };
    let body = reply.body;
    if (typeof body === "string" && body.startsWith("{")) {
      try {
        const json = JSON.parse(body);
        if (json && typeof json === "object" && !Array.isArray(json)) {
          json.EchoedAuthorization = auth;
          json.EchoedBase64 = Buffer.from(auth).toString("base64");
          body = JSON.stringify(json);
          delete headers["content-length"];
        }
      } catch {
        /* not JSON: left alone */
      }
    }
    return { ...reply, headers, body };
  });
}
