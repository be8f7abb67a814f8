/**
 * Help without commander: `npm run build` renders every command's help once (scripts/prebuild-help.js)
 * into dist/cli/help.json, and bin/reach-check.js prints it from there when the invocation only asks
 * for help. Loading commander and the option table costs more than the rest of such a run, and a
 * script that calls `reach-check --help` (or a shell completion) pays it on every call.
 *
 * The text is commander's own at the width commander picks when stdout is not a terminal (80
 * columns); at a terminal of another width, or for anything not in the file, the caller falls back
 * to commander. This module imports nothing but node:fs, so that it stays cheap to load.
 */
import { readFileSync } from "node:fs";

/** The width commander wraps help at when stdout is not a terminal, and the one the file holds. */
export const HELP_WIDTH = 80;

/** dist/cli/help.json: command name ("" for the program) → its help text at HELP_WIDTH. */
export interface HelpFile {
  width: number;
  commands: Record<string, string>;
}

export const HELP_FILE = new URL("./help.json", import.meta.url);

/**
 * The command whose help `args` (the arguments after the script) ask for and nothing else, with
 * the exit code commander would give: "" for the program. Undefined for any other invocation.
 */
export function helpRequest(args: readonly string[]): { command: string; exitCode: number } | undefined {
  const isHelp = (a: string | undefined) => a === "--help" || a === "-h";
  if (args.length === 0) return { command: "", exitCode: 2 }; // bare `reach-check`: help, usage exit
  if (args.length === 1 && (isHelp(args[0]) || args[0] === "help")) return { command: "", exitCode: 0 };
  if (args.length === 2 && args[0] === "help" && !args[1]!.startsWith("-")) return { command: args[1]!, exitCode: 0 };
  if (args.length === 2 && isHelp(args[1]) && !args[0]!.startsWith("-")) return { command: args[0]!, exitCode: 0 };
  return undefined;
}

/** The stored help for `args` when it is exactly what commander would print to `stdout`. */
export function cachedHelp(
  args: readonly string[],
  stdout: { isTTY?: boolean; columns?: number },
  read: () => string = () => readFileSync(HELP_FILE, "utf8"),
): { text: string; exitCode: number } | undefined {
  const request = helpRequest(args);
  if (!request) return undefined;
  // Commander wraps at the terminal's width; only a pipe, a file or an 80-column terminal get 80.
  if (stdout.isTTY && stdout.columns !== HELP_WIDTH) return undefined;
  let file: HelpFile;
  try {
    file = JSON.parse(read()) as HelpFile;
  } catch {
    return undefined; // not built (a dist from before this file), or unreadable: commander answers
  }
  if (file?.width !== HELP_WIDTH || typeof file.commands !== "object" || file.commands === null) return undefined;
  const text = Object.hasOwn(file.commands, request.command) ? file.commands[request.command] : undefined;
  return typeof text === "string" ? { text, exitCode: request.exitCode } : undefined;
}
