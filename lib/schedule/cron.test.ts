import { describe, expect, it } from "vitest";
import { scheduleSchema } from "../notebook/schemas/run-keys";
import { dueTicks, nextTicks, assertSchedule, tickKey } from "./cron";

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());
const local = (d: Date, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "short", timeStyle: "short", hourCycle: "h23" }).format(d);
const at = (s: string) => new Date(s);

describe("nextTicks", () => {
  it("lists ticks in (after, until]", () => {
    expect(iso(nextTicks({ cron: "0 * * * *", timezone: "UTC" }, at("2026-01-01T00:00:00Z"), at("2026-01-01T03:00:00Z")))).toEqual([
      "2026-01-01T01:00:00.000Z",
      "2026-01-01T02:00:00.000Z",
      "2026-01-01T03:00:00.000Z",
    ]);
  });

  it("reads the cron in the schedule's time zone", () => {
    const [tick] = nextTicks({ cron: "0 2 * * *", timezone: "Asia/Tokyo" }, at("2026-06-01T00:00:00Z"), at("2026-06-02T00:00:00Z"));
    expect(tick?.toISOString()).toBe("2026-06-01T17:00:00.000Z");
  });

  it("Europe/Paris spring forward: 02:30 does not exist on 2026-03-29, the tick fires once at 03:00", () => {
    const ticks = nextTicks({ cron: "30 2 * * *", timezone: "Europe/Paris" }, at("2026-03-28T12:00:00Z"), at("2026-03-30T12:00:00Z"));
    expect(iso(ticks)).toEqual(["2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"]);
    expect(ticks.map((t) => local(t, "Europe/Paris"))).toEqual(["29/03/2026, 03:00", "30/03/2026, 02:30"]);
  });

  it("Europe/Paris fall back: 01:30 occurs twice on 2026-10-25, the tick fires once (first occurrence)", () => {
    const ticks = nextTicks({ cron: "30 1 * * *", timezone: "Europe/Paris" }, at("2026-10-24T12:00:00Z"), at("2026-10-26T12:00:00Z"));
    expect(ticks.filter((t) => local(t, "Europe/Paris").startsWith("25/10/2026"))).toHaveLength(1);
    expect(iso(ticks)).toEqual(["2026-10-24T23:30:00.000Z", "2026-10-26T00:30:00.000Z"]);
  });

  it("a schedule finer than the shift fires at every real instant across the repeated hour", () => {
    const ticks = nextTicks({ cron: "*/30 * * * *", timezone: "Europe/Paris" }, at("2026-10-25T00:00:00Z"), at("2026-10-25T02:00:00Z"));
    expect(iso(ticks)).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-25T01:00:00.000Z", "2026-10-25T01:30:00.000Z", "2026-10-25T02:00:00.000Z"]);
    expect(new Set(iso(ticks)).size).toBe(4);
  });

  it("America/New_York: 02:00 on 2026-03-08 runs at 03:00 EDT; 01:30 on 2026-11-01 runs once", () => {
    const spring = nextTicks({ cron: "0 2 * * *", timezone: "America/New_York" }, at("2026-03-07T12:00:00Z"), at("2026-03-09T12:00:00Z"));
    expect(iso(spring)).toEqual(["2026-03-08T07:00:00.000Z", "2026-03-09T06:00:00.000Z"]);
    expect(local(spring[0] ?? new Date(0), "America/New_York")).toBe("08/03/2026, 03:00");
    const fall = nextTicks({ cron: "30 1 * * *", timezone: "America/New_York" }, at("2026-10-31T12:00:00Z"), at("2026-11-02T12:00:00Z"));
    expect(iso(fall)).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
  });
});

describe("dueTicks", () => {
  const hourly = { cron: "0 * * * *", timezone: "UTC" };
  it("nothing is due for a schedule never evaluated, or before the next tick", () => {
    expect(dueTicks(hourly, null, at("2026-01-01T05:00:00Z"), { catchUp: true })).toEqual([]);
    expect(dueTicks(hourly, at("2026-01-01T05:00:00Z"), at("2026-01-01T05:59:59Z"), { catchUp: true })).toEqual([]);
  });
  it("after downtime: every missed tick with catchUp, else only the latest", () => {
    const last = at("2026-01-01T01:00:00Z");
    const now = at("2026-01-01T04:30:00Z");
    expect(iso(dueTicks(hourly, last, now, { catchUp: true }))).toEqual([
      "2026-01-01T02:00:00.000Z",
      "2026-01-01T03:00:00.000Z",
      "2026-01-01T04:00:00.000Z",
    ]);
    expect(iso(dueTicks(hourly, last, now, { catchUp: false }))).toEqual(["2026-01-01T04:00:00.000Z"]);
    expect(iso(dueTicks(hourly, last, at("2026-01-01T04:00:00Z"), { catchUp: false }))).toEqual(["2026-01-01T04:00:00.000Z"]);
    expect(dueTicks(hourly, last, now, { catchUp: true, maxCatchUp: 2 })).toHaveLength(2);
  });
  it("a tick is due once across the fall-back hour", () => {
    const spec = { cron: "30 1 * * *", timezone: "Europe/Paris" };
    const first = dueTicks(spec, at("2026-10-24T23:00:00Z"), at("2026-10-24T23:45:00Z"), { catchUp: false });
    expect(iso(first)).toEqual(["2026-10-24T23:30:00.000Z"]);
    // 01:30 again (CET) is not a tick
    expect(dueTicks(spec, at("2026-10-24T23:45:00Z"), at("2026-10-25T00:45:00Z"), { catchUp: true })).toEqual([]);
  });
});

describe("validation", () => {
  it("names the bad cron or zone", () => {
    expect(() => assertSchedule({ cron: "61 * * * *", timezone: "UTC" })).toThrow(/^schedule: invalid cron "61 \* \* \* \*": /);
    expect(() => assertSchedule({ cron: "0 * * * *", timezone: "Mars/Olympus" })).toThrow('schedule: unknown time zone "Mars/Olympus"');
    // One schedule schema, the notebook's: a cron Croner refuses is refused where the notebook is parsed.
    const bad = scheduleSchema.safeParse({ cron: "61 * * * *", timezone: "Nowhere/Land" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^invalid cron "61 \* \* \* \*": /), expect.stringMatching(/IANA time zone/)]);
    expect(scheduleSchema.parse({ cron: "0 2 * * *" })).toEqual({ cron: "0 2 * * *" });
  });
  it("tickKey is stable", () => {
    expect(tickKey("rides", at("2026-03-29T01:00:00Z"))).toBe("schedule:rides:2026-03-29T01:00:00.000Z");
  });
});
