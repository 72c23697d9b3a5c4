// Named crash points for crash tests: with ASSETBOOK_CRASH_AT=<point> the process kills
// itself with SIGKILL when it reaches that point (no cleanup, no finally blocks).
export const CRASH_POINTS = ["after_claim", "mid_extract", "mid_swap", "after_swap_before_mark"] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export type CrashHook = (point: CrashPoint) => void;

export const noCrash: CrashHook = () => undefined;

export function crashFromEnv(env: Record<string, string | undefined> = process.env): CrashHook {
  const wanted = env.ASSETBOOK_CRASH_AT;
  if (wanted === undefined || wanted === "") return noCrash;
  if (!CRASH_POINTS.some((p) => p === wanted)) throw new Error(`ASSETBOOK_CRASH_AT must be one of ${CRASH_POINTS.join(", ")}, got "${wanted}"`);
  return (point) => {
    if (point === wanted) process.kill(process.pid, "SIGKILL");
  };
}
