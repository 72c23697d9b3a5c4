import { describe, expect, it } from "vitest";
import { freshnessSchema } from "../notebook/schemas/common";
import { describePolicy, evaluateFreshness, type FreshnessVerdict } from "./freshness";

const at = (iso: string) => new Date(iso);
const policy = (written: Record<string, unknown>) => freshnessSchema.parse(written);
const verdict = (v: FreshnessVerdict) => `${v.state} since ${v.since.toISOString()}`;

describe("a max_lag policy", () => {
  const sixHours = policy({ max_lag: "6h", warn_lag: "4h" });
  const last = at("2026-06-01T00:00:00Z");

  it("is fresh, then late after warn_lag, then overdue after max_lag, each since the instant it began", () => {
    const states = ["2026-06-01T03:59:00Z", "2026-06-01T04:00:00Z", "2026-06-01T04:00:01Z", "2026-06-01T06:00:00Z", "2026-06-01T06:00:01Z", "2026-06-03T00:00:00Z"].map((now) =>
      verdict(evaluateFreshness(sixHours, last, at("2026-05-01T00:00:00Z"), at(now))),
    );
    expect(states).toEqual([
      "fresh since 2026-06-01T00:00:00.000Z",
      "fresh since 2026-06-01T00:00:00.000Z",
      "late since 2026-06-01T04:00:00.000Z",
      "late since 2026-06-01T04:00:00.000Z",
      "overdue since 2026-06-01T06:00:00.000Z",
      "overdue since 2026-06-01T06:00:00.000Z",
    ]);
  });

  it("without warn_lag goes from fresh straight to overdue", () => {
    const plain = policy({ max_lag: "6h" });
    expect(evaluateFreshness(plain, last, last, at("2026-06-01T05:59:59Z")).state).toBe("fresh");
    expect(verdict(evaluateFreshness(plain, last, last, at("2026-06-01T06:00:01Z")))).toBe("overdue since 2026-06-01T06:00:00.000Z");
  });

  it("a new materialization makes it fresh again", () => {
    expect(verdict(evaluateFreshness(sixHours, at("2026-06-01T07:00:00Z"), last, at("2026-06-01T07:00:30Z")))).toBe("fresh since 2026-06-01T07:00:00.000Z");
  });

  it("measures an asset never materialized from when its policy was first evaluated", () => {
    const tracked = at("2026-06-01T10:00:00Z");
    expect(evaluateFreshness(sixHours, null, tracked, at("2026-06-01T13:00:00Z")).state).toBe("fresh");
    expect(verdict(evaluateFreshness(sixHours, null, tracked, at("2026-06-01T16:30:00Z")))).toBe("overdue since 2026-06-01T16:00:00.000Z");
  });
});

describe("a cron policy: by 09:00 each day in Europe/Berlin, at most 1h old", () => {
  const byNine = policy({ cron: "0 9 * * *", timezone: "Europe/Berlin", max_lag: "1h" });
  const state = (last: string | null, now: string) => verdict(evaluateFreshness(byNine, last === null ? null : at(last), at("2026-01-01T00:00:00Z"), at(now)));

  it("is late from 08:00 local until it is refreshed, and overdue from 09:00 (winter, UTC+1)", () => {
    // Refreshed at 08:30 local on the 10th: it met the 10th's deadline.
    const last = "2026-02-10T07:30:00Z";
    expect(state(last, "2026-02-11T06:59:00Z")).toBe("fresh since 2026-02-10T07:30:00.000Z");
    expect(state(last, "2026-02-11T07:00:00Z")).toBe("late since 2026-02-11T07:00:00.000Z");
    expect(state(last, "2026-02-11T07:59:59Z")).toBe("late since 2026-02-11T07:00:00.000Z");
    expect(state(last, "2026-02-11T08:00:00Z")).toBe("overdue since 2026-02-11T08:00:00.000Z");
    // Still overdue the day after, since the first deadline it missed.
    expect(state(last, "2026-02-12T12:00:00Z")).toBe("overdue since 2026-02-11T08:00:00.000Z");
    // Refreshed late, at 09:30 local: fresh again.
    expect(state("2026-02-11T08:30:00Z", "2026-02-11T08:31:00Z")).toBe("fresh since 2026-02-11T08:30:00.000Z");
    // Refreshed in the window: fresh through the deadline.
    expect(state("2026-02-11T07:10:00Z", "2026-02-11T08:00:00Z")).toBe("fresh since 2026-02-11T07:10:00.000Z");
  });

  it("follows 09:00 local across the spring-forward night (2026-03-29: UTC+1 to UTC+2)", () => {
    const last = "2026-03-28T07:30:00Z"; // 08:30 CET on the 28th
    // On the 29th, 09:00 local is 07:00 UTC: late from 06:00 UTC, overdue from 07:00 UTC.
    expect(state(last, "2026-03-29T05:59:00Z")).toBe("fresh since 2026-03-28T07:30:00.000Z");
    expect(state(last, "2026-03-29T06:00:00Z")).toBe("late since 2026-03-29T06:00:00.000Z");
    expect(state(last, "2026-03-29T07:00:00Z")).toBe("overdue since 2026-03-29T07:00:00.000Z");
  });

  it("follows 09:00 local across the fall-back night (2026-10-25: UTC+2 to UTC+1)", () => {
    const last = "2026-10-24T06:30:00Z"; // 08:30 CEST on the 24th
    expect(state(last, "2026-10-25T06:30:00Z")).toBe("fresh since 2026-10-24T06:30:00.000Z");
    expect(state(last, "2026-10-25T07:00:00Z")).toBe("late since 2026-10-25T07:00:00.000Z");
    expect(state(last, "2026-10-25T07:59:00Z")).toBe("late since 2026-10-25T07:00:00.000Z");
    expect(state(last, "2026-10-25T08:00:00Z")).toBe("overdue since 2026-10-25T08:00:00.000Z");
  });

  it("a deadline in the hour that does not exist (02:30 on the spring-forward day) falls at 03:00 local, as the scheduler fires it", () => {
    const atHalfPastTwo = policy({ cron: "30 2 * * *", timezone: "Europe/Berlin", max_lag: "30m" });
    const last = at("2026-03-28T01:15:00Z"); // 02:15 CET on the 28th
    // 03:00 CEST on the 29th is 01:00 UTC.
    expect(evaluateFreshness(atHalfPastTwo, last, last, at("2026-03-29T00:31:00Z")).state).toBe("late");
    expect(verdict(evaluateFreshness(atHalfPastTwo, last, last, at("2026-03-29T01:00:01Z")))).toBe("overdue since 2026-03-29T01:00:00.000Z");
  });

  it("in America/New_York, the same deadline moves with its DST (2026-03-08)", () => {
    const ny = policy({ cron: "0 9 * * *", timezone: "America/New_York", max_lag: "2h" });
    const last = at("2026-03-07T13:00:00Z"); // 08:00 EST
    expect(verdict(evaluateFreshness(ny, last, last, at("2026-03-08T11:00:00Z")))).toBe("late since 2026-03-08T11:00:00.000Z");
    expect(verdict(evaluateFreshness(ny, last, last, at("2026-03-08T13:00:01Z")))).toBe("overdue since 2026-03-08T13:00:00.000Z");
  });
});

describe("the policy in the notebook format", () => {
  it("reads lags as durations and refuses what cannot mean anything", () => {
    expect(policy({ max_lag: "90m" }).max_lag).toBe(5400);
    expect(freshnessSchema.safeParse({ max_lag: "6h", warn_lag: "7h" }).success).toBe(false);
    expect(freshnessSchema.safeParse({ max_lag: "1h", timezone: "Europe/Paris" }).success).toBe(false);
    expect(freshnessSchema.safeParse({ max_lag: "1h", cron: "0 9 * *" }).success).toBe(false);
    expect(freshnessSchema.safeParse({ max_lag: "1h", every: "day" }).success).toBe(false);
    expect(describePolicy(policy({ max_lag: "6h", warn_lag: "4h" }))).toBe("at most 6h old (late after 4h)");
  });
});
