/**
 * Files that hold secrets the user asked to keep (login's tokens, a run's live refresh token):
 * created readable only by the user before anything goes in, as shell export lines.
 */
import { accessSync, closeSync, constants, existsSync, fchmodSync, openSync, statSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./errors.js";

/** POSIX single quotes: the value is never expanded by the shell that loads the lines. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Writes the text to a file created (or truncated) with mode 0600 before any secret goes in; `flag` names the option in errors. */
export function writePrivateFile(path: string, text: string, flag: string): void {
  let fd: number;
  try {
    fd = openSync(path, "w", 0o600);
  } catch (err) {
    throw new UsageError(`${flag}: cannot write "${path}" (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    // An existing file keeps its old mode on open: tighten it before writing.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Whether the file could be written later (its folder exists and is writable, or the file is), without touching it. */
export function checkWritable(path: string, flag: string): void {
  const full = resolve(path);
  try {
    if (existsSync(full)) {
      if (statSync(full).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      accessSync(full, constants.W_OK);
    } else {
      accessSync(dirname(full), constants.W_OK);
    }
  } catch (err) {
    throw new UsageError(`${flag}: cannot write "${path}" (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
