import { describe, expect, it } from "vitest";
import { parseNotebook } from "./parse";
import { runKeysOf } from "./schemas/run-keys";
import { findAssetCell, formatIssue } from "./index";

const fence = "```";

function parse(lines: string[]) {
  return parseNotebook(lines.join("\n"), "nb.md");
}

describe("run keys", () => {
  it("reads schedule, refresh, tags and concurrency from a SQL header and a YAML cell", () => {
    const result = parse([
      "---",
      "tags: [nightly]",
      "concurrency: 1",
      "refresh: on_upstream_update",
      "---",
      "",
      `${fence}sql a`,
      "-- schedule: */15 * * * * Europe/Paris",
      "-- refresh: on_upstream_update",
      "-- tags: warehouse, heavy",
      "-- concurrency: 2",
      "select 1 as x",
      fence,
      "",
      `${fence}chart c`,
      "from: a",
      "mark: bar",
      'schedule: { cron: "0 * * * *" }',
      "tags: [charts]",
      "concurrency: 1",
      fence,
      "",
    ]);
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join("\n"));
    const a = findAssetCell(result.notebook, "a");
    const c = findAssetCell(result.notebook, "c");
    if (a === undefined || c === undefined) throw new Error("cells missing");
    expect(runKeysOf(a.config)).toEqual({ schedule: { cron: "*/15 * * * *", timezone: "Europe/Paris" }, refresh: "on_upstream_update", tags: ["warehouse", "heavy"], concurrency: 2 });
    expect(runKeysOf(c.config)).toEqual({ schedule: { cron: "0 * * * *" }, tags: ["charts"], concurrency: 1 });
    expect(runKeysOf(result.notebook.frontMatter)).toEqual({ refresh: "on_upstream_update", tags: ["nightly"], concurrency: 1 });
  });

  it("names the line, column, cell and field of a bad value", () => {
    const result = parse([
      `${fence}sql a`,
      "-- schedule: 0 * * *",
      "-- refresh: always",
      "-- tags: ok, not ok",
      "-- concurrency: 0",
      "-- schedule: 0 * * * * Mars/Base",
      "select 1",
      fence,
      "",
      `${fence}chart c`,
      "from: a",
      "mark: bar",
      "schedule: { cron: '0 * * * *', timezone: Nowhere }",
      fence,
      "",
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(formatIssue)).toEqual([
      'nb.md:2:14 cell "a": schedule: a schedule is 5 cron fields (minute hour day month weekday), optionally followed by a time zone',
      'nb.md:3:13 cell "a": refresh: "always" is not one of on_upstream_update',
      'nb.md:4:14 cell "a": tags: bad tag "not ok": letters, digits, _ . : -',
      'nb.md:5:17 cell "a": concurrency: concurrency is a whole number ≥ 1, got "0"',
      'nb.md:6:24 cell "a": schedule: "Mars/Base" is not an IANA time zone (e.g. UTC, Europe/Paris)',
      'nb.md:13:32 cell "c": schedule.timezone: not an IANA time zone (e.g. UTC, Europe/Paris)',
    ]);
  });
});
