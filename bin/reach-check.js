#!/usr/bin/env node
import { cachedHelp } from "../dist/cli/help-cache.js";

// A call that only asks for help is answered from the help the build stored (src/cli/help-cache.ts).
const help = cachedHelp(process.argv.slice(2), process.stdout);
if (help) {
  process.stdout.on("error", (err) => {
    if (err.code !== "EPIPE") throw err;
  });
  process.stdout.write(help.text);
  process.exitCode = help.exitCode;
} else {
  const { runAsProgram } = await import("../dist/cli/main.js");
  runAsProgram();
}
