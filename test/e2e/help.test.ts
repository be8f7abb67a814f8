/**
 * Help from the file the build stores (src/cli/help-cache.ts) must be exactly what commander prints:
 * the same text, the same stream and the same exit code, for every way of asking for it.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, type CliResult } from "../helpers/cli.js";

/** The same invocation with commander answering: dist/cli/main.js run directly, no help file. */
function viaCommander(args: string[]): Promise<CliResult> {
  const main = pathToFileURL(join(ROOT, "dist", "cli", "main.js")).href;
  const code = `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(["node", "reach-check", ...JSON.parse(process.env.ARGS)]);`;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: "1", CI: "1", ARGS: JSON.stringify(args) };
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c, stdout, stderr, durationMs: Date.now() - started }));
  });
}

describe("help answered from the build's help file", () => {
  const invocations = [
    [],
    ["--help"],
    ["-h"],
    ["help"],
    ["help", "run"],
    ["help", "verify"],
    ["run", "--help"],
    ["run", "-h"],
    ["demo", "--help"],
    ["serve", "-h"],
    ["login", "--help"],
    ["specs", "--help"],
    ["checks", "--help"],
    ["verify", "--help"],
    ["schema", "-h"],
    // Not in the file: commander answers through the bin as well.
    ["help", "nosuch"],
    ["nosuch", "--help"],
    ["help", "--help"],
    ["--help", "run"],
  ];
  it.each(invocations.map((a) => [a.join(" ") || "(no arguments)", a]))("%s: same text, stream and exit code as commander", async (_name, args) => {
    const [cached, commander] = await Promise.all([runCli(args as string[]), viaCommander(args as string[])]);
    expect(commander.stdout.length + commander.stderr.length).toBeGreaterThan(0);
    expect({ code: cached.code, stdout: cached.stdout, stderr: cached.stderr }).toEqual({ code: commander.code, stdout: commander.stdout, stderr: commander.stderr });
  });

  it("the file holds every command of the program", async () => {
    const { readFileSync } = await import("node:fs");
    const file = JSON.parse(readFileSync(join(ROOT, "dist", "cli", "help.json"), "utf8"));
    expect(Object.keys(file.commands).sort()).toEqual(["", "checks", "demo", "login", "run", "schema", "serve", "specs", "verify"]);
    expect(file.commands.run).toMatch(/^Usage: reach-check run \[options\]/);
    expect(file.commands.run).toContain("--base-url");
  });
});
