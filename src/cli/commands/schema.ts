/** `reach-check schema`: the JSON Schema (draft 2020-12) of the JSON report, for validating reports elsewhere. */
import type { Io } from "../main.js";

export default async function schema(io: Io): Promise<number> {
  const { reportSchema } = await import("../../report/report-schema.js");
  io.stdout(`${JSON.stringify(reportSchema, null, 2)}\n`);
  return 0;
}
