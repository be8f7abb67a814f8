/**
 * The command-line entry: commander wiring, exit codes, and the last line of defence that turns
 * any error into one line on stderr. Commands live in ./commands/ and are loaded on demand.
 */
import { Command, CommanderError, Option } from "commander";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EXIT, UsageError } from "./errors.js";
import { OPTIONS, commanderParser } from "./options.js";
import { packageInfo } from "../util/package-info.js";
import { REDACTED, redactorFor } from "../util/redact.js";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: Io = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
};

/** Secrets this process learned (tokens); scrubbed from any error line as a last resort. */
export const knownSecrets: string[] = [];

/** Environment variables whose values are treated as secrets in error lines (REACH_ACCESS_TOKEN, *_SECRET, ...). */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD/i;

/** Longest error line written: a value echoed in a message may be huge. */
const MAX_ERROR_LINE = 400;

/**
 * The last line of defence for an error line: every spelling of every known secret masked, control
 * characters written as escapes (a value from a file or variable must not move the cursor or start
 * a new line), and the length bounded.
 */
function scrub(text: string, env: NodeJS.ProcessEnv): string {
  // Before a command has read its secrets (an option refused while parsing), the environment's
  // secret-looking variables stand in for them; a token in a URL's query is masked by its name.
  const fromEnv = Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === "string")
    .map(([, value]) => value!.trim());
  const masked = redactorFor(...knownSecrets, ...fromEnv)
    .redact(text)
    .replace(/([?&](?:access_token|refresh_token|client_secret|code)=)[^&#\s"']+/gi, `$1${REDACTED}`);
  const visible = masked.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === "\n" ? "\\n" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
  return visible.length > MAX_ERROR_LINE ? `${visible.slice(0, MAX_ERROR_LINE - 1)}…` : visible;
}

/** The content of the file `--token-file` names, read quietly (undefined when there is none or it cannot be read). */
function tokenFileSecret(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === "--token-file" || a.startsWith("--token-file="));
  if (i < 0) return undefined;
  const path = argv[i] === "--token-file" ? argv[i + 1] : argv[i]!.slice("--token-file=".length);
  if (!path) return undefined;
  try {
    if (statSync(path).size > 64 * 1024) return undefined;
    const text = readFileSync(path, "utf8").trim();
    return text === "" ? undefined : text;
  } catch {
    return undefined;
  }
}

function addOptions(cmd: Command, name: "run" | "demo" | "serve" | "specs" | "login"): Command {
  for (const spec of OPTIONS.filter((o) => o.commands.includes(name))) {
    const opt = new Option(spec.flags, spec.description);
    const parser = commanderParser(spec);
    if (parser) opt.argParser(parser);
    if (spec.defaultValue !== undefined) opt.default(spec.defaultValue);
    cmd.addOption(opt);
  }
  return cmd;
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const { version } = packageInfo();
  const program = new Command("reach-check")
    .description("Check a partner's implementation of the Reach Reporting API and print a readiness report for onboarding steps 2-4.")
    .version(version, "-V, --version")
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .exitOverride();

  const action =
    (load: () => Promise<{ default: (opts: Record<string, unknown>, io: Io) => Promise<number> }>) =>
    async (_opts: Record<string, unknown>, cmd: Command) => {
      // Flags, then REACH_CHECK_* variables, then the config file (src/config/file.ts).
      const { applyLayers } = await import("../config/file.js");
      const opts = applyLayers(cmd, cmd.name() as Parameters<typeof applyLayers>[1], io.env);
      const mod = await load();
      setExit(await mod.default(opts, io));
    };

  addOptions(program.command("run").description("check a partner base URL (token from $REACH_ACCESS_TOKEN)"), "run")
    .exitOverride()
    .action(action(() => import("./commands/run.js")));
  addOptions(program.command("demo").description("start the bundled reference partner on loopback and check it"), "demo")
    .exitOverride()
    .action(action(() => import("./commands/demo.js")));
  addOptions(program.command("serve").description("run the bundled reference partner in the foreground"), "serve")
    .exitOverride()
    .action(action(() => import("./commands/serve.js")));
  addOptions(program.command("login").description("get tokens from a partner with the OAuth authorization-code flow (client from $REACH_CLIENT_ID, $REACH_CLIENT_SECRET)"), "login")
    .exitOverride()
    .action(action(() => import("./commands/login.js")));
  addOptions(program.command("specs").description("list the bundled Reach spec versions"), "specs")
    .exitOverride()
    .action(action(() => import("./commands/specs.js")));
  program
    .command("checks")
    .description("list every check with its step and what it verifies")
    .exitOverride()
    .action(async () => {
      const mod = await import("./commands/checks.js");
      setExit(await mod.default(io));
    });
  program
    .command("verify")
    .description("check that a JSON report is unchanged since reach-check wrote it (exit 0 intact, 1 edited, 2 unreadable)")
    .argument("<report.json>", "a report written with --format json or --report json=<path>")
    .exitOverride()
    .action(async (file: string) => {
      const mod = await import("./commands/verify.js");
      setExit(await mod.default(file, io));
    });
  program
    .command("schema")
    .description("print the JSON Schema of the JSON report")
    .exitOverride()
    .action(async () => {
      const mod = await import("./commands/schema.js");
      setExit(await mod.default(io));
    });
  return program;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let code: number = EXIT.ready;
  // A token file's content is a secret before the command reads it: an option refused while
  // parsing (a token pasted as --format, say) must not echo it either.
  const tokenFile = tokenFileSecret(argv);
  if (tokenFile !== undefined) knownSecrets.push(tokenFile);
  const program = buildProgram(io, (c) => (code = c));
  try {
    if (argv.length <= 2) {
      io.stdout(program.helpInformation());
      return EXIT.usage;
    }
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return EXIT.ready;
      if (err.code === "commander.unknownOption" && /'--token(=|')/.test(err.message)) {
        io.stderr("reach-check: --token is not accepted: tokens are read from an environment variable (REACH_ACCESS_TOKEN, or --token-env NAME) or a file (--token-file), never from a flag\n");
        return EXIT.usage;
      }
      const switchWithValue = /unknown option '(--[\w-]+)=/.exec(err.message)?.[1];
      if (err.code === "commander.unknownOption" && switchWithValue && OPTIONS.some((o) => o.flags === switchWithValue)) {
        io.stderr(`reach-check: ${switchWithValue} is a switch and takes no value: give ${switchWithValue} alone\n`);
        return EXIT.usage;
      }
      // An unknown option's value (`--x=value`) may be a secret typed in the wrong place: never echo it.
      const msg = err.message
        .replace(/^error:\s*/i, "")
        .split("\n")[0]
        .replace(/'(--?[\w-]+)=[^']*'/g, "'$1=…'");
      io.stderr(`reach-check: ${scrub(msg, io.env)}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.stderr(`reach-check: ${scrub(err.message, io.env)}\n`);
      return EXIT.usage;
    }
    const msg = err instanceof Error ? err.message : String(err);
    io.stderr(`reach-check: internal error: ${scrub(msg.split("\n")[0], io.env)} (this is a reach-check bug; please report it)\n`);
    if (io.env.REACH_CHECK_DEBUG && err instanceof Error && err.stack) io.stderr(redactorFor(...knownSecrets).redact(err.stack) + "\n");
    return EXIT.internal;
  }
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

/** Runs the CLI as the process: exit code, a closed stdout, the optional memory figure. */
export function runAsProgram(): void {
  // A reader that goes away (`reach-check run | head`) is not an error of the run.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
    });
  }
  main(process.argv).then((c) => {
    process.exitCode = c;
    // Peak memory, for the tests that bound it (hostile partners sending huge bodies).
    if (process.env.REACH_CHECK_PRINT_MAXRSS) process.stderr.write(`reach-check: maxrss ${process.resourceUsage().maxRSS} KiB\n`);
  });
}

if (isMain()) runAsProgram();
