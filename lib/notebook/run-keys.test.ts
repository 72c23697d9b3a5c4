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

// `assetbook check` used to pass what production then rejected: every run key is parsed here, once.
describe("run policy keys are parsed by the notebook parser, with their place", () => {
  const issuesOf = (lines: string[]) => {
    const result = parse(lines);
    return result.ok ? [] : result.issues.map(formatIssue);
  };

  it("types front matter retries, timeout, run_timeout, lazy and partitions", () => {
    const result = parse([
      "---",
      "retries: { max_attempts: 3, backoff: 10s }",
      "timeout: 15m",
      "run_timeout: 2h",
      "lazy: true",
      "partitions: { type: daily, start: 2024-01-01, timezone: Europe/Paris }",
      "---",
      "",
      `${fence}sql a`,
      "-- retries: 2",
      "-- timeout: 30s",
      "select 1 as x",
      fence,
      "",
    ]);
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join("\n"));
    expect(result.notebook.frontMatter).toMatchObject({
      retries: { max_attempts: 3, backoff: 10 },
      timeout: 900,
      run_timeout: 7200,
      lazy: true,
      partitions: { type: "daily", start: "2024-01-01", timezone: "Europe/Paris" },
    });
    const a = findAssetCell(result.notebook, "a");
    if (a?.kind !== "sql") throw new Error("no sql cell");
    expect([a.config.retries, a.config.timeout]).toEqual([{ max_attempts: 3 }, 30]);
    expect(parse(["---", "retries: 2", "---", ""]).notebook?.frontMatter.retries).toEqual({ max_attempts: 3 });
  });

  it("a malformed SQL header retries or timeout is an error at its line and column", () => {
    expect(issuesOf([`${fence}sql a`, "-- retries: x", "-- timeout: soon", "select 1 as x", fence, ""])).toEqual([
      'nb.md:2:13 cell "a": retries: retries is a whole number of retries from 0 to 100, got "x"',
      'nb.md:3:13 cell "a": timeout: timeout is a duration like 30s, 15m or 2h (at most 2000000 s), got "soon"',
    ]);
  });

  it("an extract's request timeout and backoff cannot overflow a timer (2^31 ms)", () => {
    expect(issuesOf([`${fence}extract raw`, "source: rest", "base_url: http://127.0.0.1:9/x", "timeout: 4294967296", "retries: { backoff: 30d }", fence, ""])).toEqual([
      expect.stringMatching(/^nb\.md:4:\d+ cell "raw": timeout: must be at most 2000000/),
      expect.stringMatching(/^nb\.md:5:\d+ cell "raw": retries\.backoff: must be at most 2000000/),
    ]);
  });

  it("a cron expression the scheduler would refuse is an error where it is written", () => {
    expect(issuesOf(["---", 'schedule: { cron: "0 25 * * *" }', "---", "", `${fence}sql a`, "-- schedule: 61 * * * *", "select 1 as x", fence, ""])).toEqual([
      expect.stringMatching(/^nb\.md:2:\d+: schedule\.cron: invalid cron "0 25 \* \* \*": /),
      expect.stringMatching(/^nb\.md:6:\d+ cell "a": schedule: invalid cron "61 \* \* \* \*": /),
    ]);
  });

  it("malformed front matter timeouts and partitions are errors at their key", () => {
    expect(issuesOf(["---", "timeout: soon", "run_timeout: 5000000000", "retries: -1", "---", ""])).toEqual([
      expect.stringMatching(/^nb\.md:2:\d+: timeout: expected seconds or a duration/),
      expect.stringMatching(/^nb\.md:3:\d+: run_timeout: must be at most 2000000/),
      expect.stringMatching(/^nb\.md:4:\d+: retries: /),
    ]);
    expect(issuesOf(["---", "partitions:", "  type: daily", "  start: yesterday", "  timezone: Mars/Olympus", "---", ""])).toEqual([
      "nb.md:4:3: partitions.start: start is YYYY-MM-DD or YYYY-MM-DDTHH:MM",
      "nb.md:5:3: partitions.timezone: not an IANA time zone (e.g. UTC, Europe/Paris)",
    ]);
    expect(issuesOf(["---", "partitions: { type: static, keys: [eu], extra: 1 }", "---", ""])).toEqual([expect.stringMatching(/^nb\.md:2:\d+: partitions\.extra: unknown key "extra"/)]);
  });
});
