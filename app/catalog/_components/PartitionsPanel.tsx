"use client";
// A partitioned notebook's partitions as a grid coloured by the state of their runs, and a
// backfill form: a range, a concurrency; "Backfill" runs every partition of the range that
// has not succeeded and is not in flight, so pressing it again after a failure resumes.
import "@/app/_lib/zod-jitless";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { errorAnswer } from "@/app/runs/_components/schemas";

const STATUSES = ["succeeded", "failed", "running", "queued", "cancelled", "never"] as const;
type Status = (typeof STATUSES)[number];
const statusSchema = z.enum(STATUSES);

const partitionsAnswer = z.object({
  type: z.string(),
  total: z.number(),
  newestOnly: z.boolean(),
  counts: z.record(z.string(), z.number()),
  partitions: z.array(z.object({ key: z.string(), status: statusSchema, runId: z.string().nullable() })),
});
type Partitions = z.infer<typeof partitionsAnswer>;
const backfillAnswer = z.object({ backfillId: z.string(), triggered: z.array(z.string()) });

function statusColor(status: Status): string {
  switch (status) {
    case "succeeded":
      return "#2e9d5b";
    case "failed":
      return "#d93f3f";
    case "running":
      return "#3d5afe";
    case "queued":
      return "#7c8db5";
    case "cancelled":
      return "#d08a1a";
    case "never":
      return "var(--border)";
    default: {
      const unreachable: never = status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

export function PartitionsPanel({ notebook, asset, canRun }: { notebook: string; asset: string; canRun: boolean }) {
  const [data, setData] = useState<Partitions | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [concurrency, setConcurrency] = useState(4);
  const [withDownstream, setWithDownstream] = useState(true);
  const [message, setMessage] = useState<string | null>(null);

  const [reload, setReload] = useState(0);
  const router = useRouter();
  /** Whether the last poll saw runs in flight: when they settle, the page's history and schema are refreshed. */
  const wasInFlight = useRef(false);

  // Load now, then poll while any partition is queued or running.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const response = await fetch(`/api/partitions?notebook=${encodeURIComponent(notebook)}`).catch(() => null);
      const body: unknown = await response?.json().catch(() => null);
      if (stopped) return;
      const parsed = partitionsAnswer.safeParse(body);
      if (response?.ok && parsed.success) {
        setData(parsed.data);
        const keys = parsed.data.partitions.map((p) => p.key);
        setFrom((f) => f || (keys[0] ?? ""));
        setTo((t) => t || (keys.at(-1) ?? ""));
        const inFlight = (parsed.data.counts.running ?? 0) > 0 || (parsed.data.counts.queued ?? 0) > 0;
        if (inFlight) timer = setTimeout(() => void tick(), 1500);
        else if (wasInFlight.current) router.refresh();
        wasInFlight.current = inFlight;
      } else {
        const failed = errorAnswer.safeParse(body);
        setError(failed.success ? failed.data.error : "could not load the partitions");
      }
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [notebook, reload, router]);

  async function backfill() {
    setMessage(null);
    setError(null);
    const request = { notebook, from, to, concurrency, selection: [withDownstream ? `${asset}+` : asset] };
    const response = await fetch("/api/backfills", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    const body: unknown = await response.json().catch(() => null);
    const started = backfillAnswer.safeParse(body);
    if (response.ok && started.success) {
      const n = started.data.triggered.length;
      setMessage(n === 0 ? "Nothing to do: every partition in the range succeeded or is in flight." : `Started ${n} run${n === 1 ? "" : "s"}.`);
      if (n > 0) wasInFlight.current = true;
      setReload((r) => r + 1);
      return;
    }
    const failed = errorAnswer.safeParse(body);
    setError(failed.success ? failed.data.error : "could not start the backfill");
  }

  if (data === null) return error ? <p className="error">{error}</p> : <p className="muted">Loading partitions…</p>;
  const keys = data.partitions.map((p) => p.key);
  return (
    <div className="partitions" data-testid="partitions">
      <p className="partition-counts">
        {data.total} {data.type} partition{data.total === 1 ? "" : "s"}
        {STATUSES.filter((s) => (data.counts[s] ?? 0) > 0).map((s) => (
          <span key={s} className="pill" data-testid={`partitions-${s}`}>
            <span className="dot" style={{ background: statusColor(s) }} />
            {data.counts[s]} {s === "never" ? "never run" : s}
          </span>
        ))}
      </p>
      {data.newestOnly ? <p className="muted">The newest {data.total} partitions; older ones can be backfilled from the API or the CLI.</p> : null}
      <div className="partition-grid" role="list" aria-label="Partitions">
        {data.partitions.map((p) => (
          <a
            key={p.key}
            role="listitem"
            className="partition-cell"
            style={{ background: statusColor(p.status) }}
            title={`${p.key}: ${p.status === "never" ? "never run" : p.status}`}
            data-key={p.key}
            data-status={p.status}
            {...(p.runId ? { href: `/runs/${p.runId}` } : {})}
          />
        ))}
      </div>
      {canRun ? (
        <div className="form-row backfill-form">
          <label>
            From
            <select value={from} onChange={(e) => setFrom(e.target.value)} data-testid="backfill-from">
              {keys.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
          <label>
            To
            <select value={to} onChange={(e) => setTo(e.target.value)} data-testid="backfill-to">
              {keys.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
          <label>
            At once
            <input type="number" min={1} max={32} value={concurrency} onChange={(e) => setConcurrency(Math.max(1, Math.min(32, Number(e.target.value) || 1)))} style={{ width: "4.5rem" }} />
          </label>
          <label className="inline-check">
            <input type="checkbox" checked={withDownstream} onChange={(e) => setWithDownstream(e.target.checked)} /> with downstream
          </label>
          <button type="button" className="btn" onClick={backfill} data-testid="backfill">
            {(data.counts.failed ?? 0) > 0 ? "Backfill / resume failed" : "Backfill"}
          </button>
        </div>
      ) : null}
      {message ? <p className="muted" role="status">{message}</p> : null}
      {error ? <p className="error" role="alert">{error}</p> : null}
    </div>
  );
}
