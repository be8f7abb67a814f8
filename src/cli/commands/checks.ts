import type { Io } from "../main.js";

/** Lists the registry: id, step and description of every check, grouped by family in run order. */
export default async function checks(io: Io): Promise<number> {
  const { probes, families } = await import("../../probes/index.js");
  const width = Math.max(...probes.map((p) => p.id.length));
  for (const family of families) {
    const mine = probes.filter((p) => p.family === family);
    if (mine.length === 0) continue;
    io.stdout(`${family}\n`);
    for (const p of mine) io.stdout(`  ${p.id.padEnd(width)}  step ${p.step}  ${p.title}\n${" ".repeat(width + 12)}${p.description}\n`);
  }
  io.stdout("Run a subset with --check <id|family> (repeatable); the checks it depends on run too.\n");
  return 0;
}
