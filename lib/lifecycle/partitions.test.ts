// Which partitions an environment builds, and which production backfills after the promotion.
import { describe, expect, it } from "vitest";
import { formatIssue } from "../notebook/types";
import { partitionSchedule, partitionSchedules } from "./partitions";

const monthly = { type: "monthly" as const, start: "2024-01-01", timezone: "UTC" };
const june = new Date("2024-06-15T12:00:00Z");

describe("partition schedules", () => {
  it("builds the newest partition that has started and backfills the others", () => {
    expect(partitionSchedule(monthly, june, [])).toEqual({ build: ["2024-06"], backfill: { count: 5, first: "2024-01", last: "2024-05" } });
  });

  it("builds the keys asked for that the notebook has, once each", () => {
    expect(partitionSchedule(monthly, june, ["2024-03", "2024-01", "2024-03", "eu"])).toEqual({ build: ["2024-03", "2024-01"], backfill: { count: 4, first: "2024-02", last: "2024-06" } });
  });

  it("names a key that no notebook with changes has, and schedules only those notebooks", () => {
    const texts = [
      { slug: "monthly", text: '---\npartitions: { type: monthly, start: "2024-01-01" }\n---\n\n```sql m\nselect 1 as x\n```\n' },
      { slug: "regions", text: "---\npartitions: { type: static, keys: [eu, us] }\n---\n\n```sql r\nselect 1 as x\n```\n" },
      { slug: "plain", text: "```sql p\nselect 1 as x\n```\n" },
    ];
    const schedules = partitionSchedules(texts, new Set(["monthly", "plain"]), june, ["2024-02", "eu"]);
    expect(schedules.issues.map(formatIssue)).toEqual(['monthly.md:1:1: partitions: --partition "eu" is not one of its partitions']);
    expect(schedules.scheduleOf("monthly")?.build).toEqual(["2024-02"]);
    expect(schedules.scheduleOf("regions")).toBeNull();
    expect(schedules.scheduleOf("plain")).toBeNull();
  });
});
