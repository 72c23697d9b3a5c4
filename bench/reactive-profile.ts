// bench/reactive's look inside the page: the main thread's CPU profile and trace over an
// edit (--profile), and the renderer's peak RSS.
import { readFile } from "node:fs/promises";
import type { Browser, CDPSession } from "@playwright/test";
import { z } from "zod";

const traceEvent = z.object({ name: z.string(), ph: z.string(), dur: z.number().optional(), tid: z.number(), pid: z.number(), args: z.object({ name: z.string().optional() }).loose().optional() }).loose();
/** Chrome writes a trace as a list of events, or as an object holding them. */
const traceFile = z.union([z.array(traceEvent), z.object({ traceEvents: z.array(traceEvent) }).transform((file) => file.traceEvents)]);
const processInfo = z.object({ processInfo: z.array(z.object({ type: z.string(), id: z.number() }).loose()) });

/** Stops the trace and sums the renderer main thread's complete events by name. */
export async function mainThreadEvents(cdp: CDPSession): Promise<[string, number][]> {
  const done = new Promise<string>((resolve) => cdp.once("Tracing.tracingComplete", (event) => resolve(event.stream ?? "")));
  await cdp.send("Tracing.end");
  const stream = await done;
  let text = "";
  for (;;) {
    const chunk = await cdp.send("IO.read", { handle: stream });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, "base64").toString() : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send("IO.close", { handle: stream });
  const events = traceFile.parse(JSON.parse(text));
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const sums = new Map<string, number>();
  for (const e of events) {
    if (main === undefined || e.pid !== main.pid || e.tid !== main.tid || e.ph !== "X" || e.dur === undefined) continue;
    sums.set(e.name, (sums.get(e.name) ?? 0) + e.dur / 1000);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

/** The largest peak RSS (VmHWM) of the browser's renderer processes, from /proc. */
export async function rendererPeakRssMb(browser: Browser): Promise<string> {
  const session = await browser.newBrowserCDPSession();
  const { processInfo: processes } = processInfo.parse(await session.send("SystemInfo.getProcessInfo"));
  let peak = 0;
  for (const { type, id } of processes) {
    if (type !== "renderer") continue;
    const status = await readFile(`/proc/${id}/status`, "utf8").catch(() => "");
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kb / 1024);
  }
  return peak === 0 ? "unknown" : peak.toFixed(0);
}

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Adds a profile's self time per function (name, file, line), divided by `runs`. */
export function addSelfTime(into: Map<string, number>, profile: CpuProfile, runs: number): void {
  const names = new Map(profile.nodes.map((node) => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const file = url === "" ? "" : ` ${url.split("/").at(-1)?.split("?")[0] ?? ""}:${lineNumber + 1}:${columnNumber + 1}`;
    return [node.id, `${functionName || "(anonymous)"}${file}`] as const;
  }));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the delta to the next one (microseconds).
    const us = deltas[i + 1] ?? 0;
    const name = names.get(samples[i] ?? -1) ?? "?";
    into.set(name, (into.get(name) ?? 0) + us / 1000 / runs);
  }
}

/**
 * Per edit, from the app's first request to its last answer: how long the worker was busy
 * (some request in flight) and how long it sat idle, waiting for the page to send the next.
 */
export function workerBusyIdle(log: readonly { posted: number; done: number }[]): { busy: number; idle: number } {
  const spans = [...log].sort((a, b) => a.posted - b.posted);
  let busy = 0;
  let idle = 0;
  let end = -Infinity;
  for (const { posted, done } of spans) {
    if (end !== -Infinity && posted > end) idle += posted - end;
    const from = Math.max(posted, end);
    if (done > from) busy += done - from;
    end = Math.max(end, done);
  }
  return { busy, idle };
}
