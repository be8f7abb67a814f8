import { describe, expect, it } from "vitest";
import { addressKind, isLoopbackHost, resolveHost } from "../../../src/http/address.js";

describe("addressKind", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.10", "private"],
    ["100.64.0.1", "private"],
    ["169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["fd12:3456::1", "private"],
    ["::ffff:10.0.0.1", "private"],
    ["0.0.0.0", "unspecified"],
    ["8.8.8.8", "public"],
    ["2606:4700::1111", "public"],
  ])("%s is %s", (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
  });
  it("knows loopback host names", () => {
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("api.localhost")).toBe(true);
    expect(isLoopbackHost("api.example.com")).toBe(false);
  });
  it("takes IP literals without a lookup", async () => {
    expect(await resolveHost("192.168.0.5", 1000)).toEqual({ host: "192.168.0.5", addresses: [{ address: "192.168.0.5", kind: "private" }] });
  });
});
