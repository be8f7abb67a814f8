/** Exit codes of every command. */
export const EXIT = {
  ready: 0,
  notReady: 1,
  usage: 2,
  internal: 3,
} as const;

/** Bad user input: printed as one line, exit 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
