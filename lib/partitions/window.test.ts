// partitionWindow() finds a key's window straight from the key; it must agree with the
// enumeration (partitionWindows) for every key of every kind, and refuse keys that are not
// partitions (misaligned weeks, before the start, impossible dates).
import { describe, expect, it } from "vitest";
import { partitionsSchema } from "../notebook/schemas/partitions";
import { partitionWindow, partitionWindows } from "./windows";

const until = new Date("2024-04-10T00:00:00Z");
const defs = [
  { type: "hourly", start: "2024-03-29T22:00", timezone: "Europe/Paris" },
  { type: "daily", start: "2024-03-01", timezone: "America/New_York" },
  { type: "weekly", start: "2024-01-03", timezone: "UTC" },
  { type: "monthly", start: "2023-11-01", timezone: "Europe/Paris" },
  { type: "daily", start: "2024-03-30T06:00", timezone: "Europe/Paris" },
].map((d) => partitionsSchema.parse(d));

describe("partitionWindow", () => {
  it.each(defs)("agrees with the enumeration for $type from $start in $timezone", (def) => {
    const windows = partitionWindows(def, until);
    expect(windows.length).toBeGreaterThan(3);
    for (const w of windows) expect(partitionWindow(def, w.key)).toEqual(w);
  });

  it("refuses keys that are not partitions", () => {
    const [hourly, daily, weekly, monthly] = defs;
    if (!hourly || !daily || !weekly || !monthly) throw new Error("defs");
    expect(partitionWindow(daily, "2024-02-29")).toBeNull(); // before the start
    expect(partitionWindow(daily, "2024-03-32")).toBeNull(); // no such day
    expect(partitionWindow(weekly, "2024-01-04")).toBeNull(); // not on the weekly grid
    expect(partitionWindow(weekly, "2024-01-10")).not.toBeNull();
    expect(partitionWindow(monthly, "2023-10")).toBeNull();
    expect(partitionWindow(hourly, "2024-03-29T21:00")).toBeNull();
    expect(partitionWindow(hourly, "2024-03-31T02:30")).toBeNull();
    expect(partitionWindow(monthly, "2024-1")).toBeNull();
  });

  it("answers for a key years after the start without walking every window", () => {
    const def = partitionsSchema.parse({ type: "hourly", start: "2000-01-01", timezone: "Europe/Paris" });
    expect(partitionWindow(def, "2026-11-25T10:00")).toEqual({ key: "2026-11-25T10:00", start: new Date("2026-11-25T09:00:00Z"), end: new Date("2026-11-25T10:00:00Z"), timezone: "Europe/Paris" });
  });
});
