import { describe, expect, it } from "vitest";
import { HELP_WIDTH, cachedHelp, helpRequest } from "../../../src/cli/help-cache.js";

const file = JSON.stringify({ width: HELP_WIDTH, commands: { "": "program help\n", run: "run help\n" } });
const read = () => file;
const pipe = { isTTY: false };

describe("helpRequest", () => {
  it("recognises each way of asking for help, and only those", () => {
    expect(helpRequest([])).toEqual({ command: "", exitCode: 2 });
    expect(helpRequest(["--help"])).toEqual({ command: "", exitCode: 0 });
    expect(helpRequest(["-h"])).toEqual({ command: "", exitCode: 0 });
    expect(helpRequest(["help"])).toEqual({ command: "", exitCode: 0 });
    expect(helpRequest(["help", "run"])).toEqual({ command: "run", exitCode: 0 });
    expect(helpRequest(["run", "--help"])).toEqual({ command: "run", exitCode: 0 });
    expect(helpRequest(["run", "-h"])).toEqual({ command: "run", exitCode: 0 });
    for (const args of [["run"], ["--version"], ["run", "--base-url", "x", "--help"], ["--help", "run"], ["run", "--help=1"], ["-x", "--help"]]) {
      expect(helpRequest(args), args.join(" ")).toBeUndefined();
    }
  });
});

describe("cachedHelp", () => {
  it("answers from the file for a pipe or an 80-column terminal", () => {
    expect(cachedHelp(["--help"], pipe, read)).toEqual({ text: "program help\n", exitCode: 0 });
    expect(cachedHelp([], pipe, read)).toEqual({ text: "program help\n", exitCode: 2 });
    expect(cachedHelp(["run", "-h"], { isTTY: true, columns: 80 }, read)).toEqual({ text: "run help\n", exitCode: 0 });
  });

  it("leaves commander to answer at a terminal of another width (it wraps to the terminal)", () => {
    expect(cachedHelp(["--help"], { isTTY: true, columns: 120 }, read)).toBeUndefined();
    expect(cachedHelp(["--help"], { isTTY: true, columns: 40 }, read)).toBeUndefined();
  });

  it("leaves commander to answer for a command the file lacks, or a missing or foreign file", () => {
    expect(cachedHelp(["demo", "--help"], pipe, read)).toBeUndefined();
    expect(cachedHelp(["help", "constructor"], pipe, read)).toBeUndefined();
    expect(cachedHelp(["help", "__proto__"], pipe, read)).toBeUndefined();
    const missing = () => {
      throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
    };
    expect(cachedHelp(["--help"], pipe, missing)).toBeUndefined();
    expect(cachedHelp(["--help"], pipe, () => "{not json")).toBeUndefined();
    expect(cachedHelp(["--help"], pipe, () => "null")).toBeUndefined();
    expect(cachedHelp(["--help"], pipe, () => JSON.stringify({ width: 100, commands: { "": "wide\n" } }))).toBeUndefined();
  });
});
