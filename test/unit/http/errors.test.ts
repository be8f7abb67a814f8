import { describe, expect, it } from "vitest";
import { describeError } from "../../../src/http/errors.js";
import type { TransportErrorCode } from "../../../src/http/types.js";

function coded(code: string, message = `boom ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

describe("describeError", () => {
  it.each<[string, TransportErrorCode]>([
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ECONNREFUSED", "connect-refused"],
    ["UND_ERR_CONNECT_TIMEOUT", "connect-timeout"],
    ["UND_ERR_HEADERS_TIMEOUT", "headers-timeout"],
    ["UND_ERR_BODY_TIMEOUT", "body-timeout"],
    ["ECONNRESET", "reset"],
    ["UND_ERR_SOCKET", "reset"],
    ["CERT_HAS_EXPIRED", "tls"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "tls"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "tls"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "tls"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "tls"],
    ["EWHATEVER", "other"],
  ])("maps %s to %s", (code, expected) => {
    expect(describeError(coded(code)).code).toBe(expected);
  });

  it("finds the code on a cause or inside an AggregateError", () => {
    const wrapped = new TypeError("fetch failed", { cause: coded("ECONNREFUSED") });
    expect(describeError(wrapped).code).toBe("connect-refused");
    const aggregate = Object.assign(new AggregateError([coded("ECONNREFUSED", "connect ECONNREFUSED ::1:1")], ""), {});
    expect(describeError(aggregate).code).toBe("connect-refused");
  });

  it("writes one human line", () => {
    const { message } = describeError(coded("ENOTFOUND", "getaddrinfo ENOTFOUND\nexample.invalid"));
    expect(message).toBe("DNS lookup failed: getaddrinfo ENOTFOUND example.invalid");
    expect(describeError("weird").message).toBe("request failed: weird");
  });
});
