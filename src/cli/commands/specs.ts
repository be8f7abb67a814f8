import type { Io } from "../main.js";

export default async function specs(opts: Record<string, unknown>, io: Io): Promise<number> {
  const { listBundledSpecs } = await import("../../spec/registry.js");
  const list = await listBundledSpecs();
  if (opts.format === "json") {
    io.stdout(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const newest = list[list.length - 1]?.version;
  io.stdout("Bundled Reach API spec versions:\n");
  for (const s of list) {
    io.stdout(
      `  ${s.version.padEnd(8)} ${s.title}, ${s.operations} operations (${s.modeledOperations} modeled)${s.version === newest ? "  [default]" : ""}\n`,
    );
  }
  io.stdout("Use --spec-version <version> to pick one, or --spec <file|url> for a document supplied by Reach.\n");
  return 0;
}
