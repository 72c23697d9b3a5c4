// DEMO ONLY: generated rows for the chart and graph examples.
import type { CellRunState } from "@/lib/engine/reactive";
import type { CellKind } from "@/lib/notebook/types";
import type { Row } from "@/lib/warehouse/types";

const SPORTS = ["run", "ride", "swim"];

/** 60 days x 3 sports of distances, deterministic. */
export function dailyRows(): Row[] {
  const rows: Row[] = [];
  for (let d = 0; d < 60; d++) {
    const day = new Date(Date.UTC(2024, 0, 1 + d));
    SPORTS.forEach((sport, s) => {
      const km = Math.round((10 + s * 12 + 6 * Math.sin((d + s * 9) / 6) + ((d * 37 + s * 11) % 7)) * 10) / 10;
      rows.push({ day, sport, km, rides: BigInt(1 + ((d + s) % 4)), weekend: day.getUTCDay() % 6 === 0 });
    });
  }
  return rows;
}

export const DEMO_NODES: { id: string; kind: CellKind; state: CellRunState }[] = [
  { id: "activities", kind: "extract", state: "fresh" },
  { id: "athletes", kind: "extract", state: "fresh" },
  { id: "daily_distance", kind: "sql", state: "running" },
  { id: "weekly_summary", kind: "sql", state: "queued" },
  { id: "athlete_stats", kind: "sql", state: "stale" },
  { id: "energy_model", kind: "ml", state: "error" },
  { id: "km_per_day", kind: "chart", state: "idle" },
  { id: "leaderboard", kind: "chart", state: "blocked" },
];

export const DEMO_EDGES = [
  { from: "activities", to: "daily_distance" },
  { from: "activities", to: "athlete_stats" },
  { from: "athletes", to: "athlete_stats" },
  { from: "activities", to: "energy_model" },
  { from: "daily_distance", to: "weekly_summary" },
  { from: "daily_distance", to: "km_per_day" },
  { from: "athlete_stats", to: "leaderboard" },
];
