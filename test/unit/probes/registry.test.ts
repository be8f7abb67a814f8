import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { families, probes } from "../../../src/probes/index.js";
import { ROOT } from "../../helpers/cli.js";

describe("probe registry", () => {
  it("lists exactly the probe files, sorted, ids matching <family>/<name>.ts", () => {
    const dir = join(ROOT, "src", "probes");
    const files: string[] = [];
    for (const fam of readdirSync(dir)) {
      if (fam === "support" || !statSync(join(dir, fam)).isDirectory()) continue;
      for (const f of readdirSync(join(dir, fam))) if (f.endsWith(".ts")) files.push(`${fam}.${f.replace(/\.ts$/, "")}`);
    }
    const ids = probes.map((p) => p.id);
    expect(ids).toEqual([...ids].sort());
    expect([...ids].sort()).toEqual(files.sort());
    for (const p of probes) {
      expect(p.id.startsWith(`${p.family}.`), p.id).toBe(true);
      expect(families as readonly string[]).toContain(p.family);
      expect(p.description.length, p.id).toBeGreaterThan(40);
      for (const dep of [...(p.after ?? []), ...(p.orderAfter ?? [])]) expect(ids, `${p.id} after ${dep}`).toContain(dep);
    }
  });
});
