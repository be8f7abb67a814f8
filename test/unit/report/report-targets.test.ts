/**
 * `--report` targets: a report replaces its file whole, so a link, a device, a pipe or one of the
 * run's own input files is refused before the run (one line, a usage error) instead of replaced.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prepareReportTargets } from "../../../src/cli/report-files.js";
import { UsageError } from "../../../src/cli/errors.js";

const dir = mkdtempSync(join(tmpdir(), "reach-report-targets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refused = (path: string, inputs: string[] = []) => {
  try {
    prepareReportTargets([{ format: "json", path }], inputs);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${path} was accepted`);
};

describe("--report targets", () => {
  it("accepts a new file and an existing plain file", () => {
    writeFileSync(join(dir, "old.json"), "{}");
    expect(prepareReportTargets([{ format: "json", path: join(dir, "new.json") }, { format: "json", path: join(dir, "old.json") }])).toHaveLength(2);
  });

  it("refuses a symbolic link, leaving it and its target alone", () => {
    writeFileSync(join(dir, "target.json"), "keep");
    symlinkSync(join(dir, "target.json"), join(dir, "link.json"));
    expect(refused(join(dir, "link.json"))).toMatch(/link\.json: is a symbolic link, not a plain file/);
    expect(readFileSync(join(dir, "target.json"), "utf8")).toBe("keep");
  });

  it("refuses a device and a named pipe", () => {
    expect(refused("/dev/null")).toMatch(/\/dev\/null: is a device, pipe or socket, not a plain file/);
    execFileSync("mkfifo", [join(dir, "fifo.json")]);
    expect(refused(join(dir, "fifo.json"))).toMatch(/fifo\.json: is a device, pipe or socket/);
  });

  it("refuses one of the run's own input files (the token file), under any spelling", () => {
    writeFileSync(join(dir, "token"), "abcd");
    expect(refused(join(dir, ".", "token"), [join(dir, "token")])).toMatch(/is one of the run's own input files/);
  });
});
