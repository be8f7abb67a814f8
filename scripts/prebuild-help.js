#!/usr/bin/env node
/**
 * Part of `npm run build` (see src/cli/help-cache.ts): renders the help of the program and of each
 * command with commander, at the width commander uses when stdout is not a terminal, and writes it
 * to dist/cli/help.json for bin/reach-check.js to print without loading commander.
 */
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);

const { buildProgram } = await dist("cli/main.js");
const { HELP_WIDTH, HELP_FILE } = await dist("cli/help-cache.js");

const io = { stdout: () => {}, stderr: () => {}, env: {} };
const program = buildProgram(io, () => {});
const fixed = { getOutHelpWidth: () => HELP_WIDTH, getErrHelpWidth: () => HELP_WIDTH, getOutHasColors: () => false, getErrHasColors: () => false };
const commands = { "": program.configureOutput(fixed).helpInformation() };
for (const cmd of program.commands) commands[cmd.name()] = cmd.configureOutput(fixed).helpInformation();
await writeFile(HELP_FILE, `${JSON.stringify({ width: HELP_WIDTH, commands }, null, 1)}\n`);
