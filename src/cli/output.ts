/**
 * The only place that decides about colour and progress display. Progress goes to stderr, and
 * only on an interactive terminal outside CI.
 */
import type { ProgressEvent } from "../engine/run.js";

export interface OutputEnv {
  stdoutIsTty: boolean;
  stderrIsTty: boolean;
  env: NodeJS.ProcessEnv;
  /** Width of the terminal on stderr, when it is one. */
  stderrColumns?: number;
}

export function currentOutputEnv(): OutputEnv {
  return {
    stdoutIsTty: Boolean(process.stdout.isTTY),
    stderrIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
    ...(process.stderr.isTTY ? { stderrColumns: process.stderr.columns } : {}),
  };
}

export function useColor(o: OutputEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (o.env.NO_COLOR !== undefined && o.env.NO_COLOR !== "") return false;
  if (o.env.FORCE_COLOR !== undefined && o.env.FORCE_COLOR !== "0") return true;
  if (o.env.TERM === "dumb") return false;
  return o.stdoutIsTty;
}

export function showProgress(o: OutputEnv): boolean {
  // A terminal that says it has no columns (a pty left unsized) would make the spinner redraw
  // endlessly: treated as no terminal.
  if (o.stderrColumns !== undefined && !(o.stderrColumns > 0)) return false;
  return o.stderrIsTty && !o.env.CI && o.env.TERM !== "dumb";
}

export interface Progress {
  onProgress(e: ProgressEvent): void;
  stop(): void;
}

export async function createProgress(o: OutputEnv): Promise<Progress> {
  if (!showProgress(o)) return { onProgress: () => {}, stop: () => {} };
  const { default: ora } = await import("ora");
  const spinner = ora({ stream: process.stderr, text: "Starting" }).start();
  return {
    onProgress(e) {
      if (e.type === "check-start") spinner.text = `[${e.index + 1}/${e.total}] ${e.title}`;
    },
    stop() {
      spinner.stop();
    },
  };
}
