"use client";
// A run as it happens: the per-asset timeline and the log, polled every second until the
// run finishes (new events since the last id, each once; the run itself on every poll).
import { useEffect, useRef, useState } from "react";
import { errorAnswer, eventsAnswer, runAnswer, type EventItem, type RunDetailView } from "./schemas";

const POLL_MS = 1_000;
const number = new Intl.NumberFormat("en-US");
const time = (iso: string) => iso.slice(11, 23);
/** `fresh` after `old`, without events `old` already has (a poll may overlap a page's initial events). */
function appendNew(old: readonly EventItem[], fresh: readonly EventItem[]): EventItem[] {
  const seen = new Set(old.map((e) => e.id));
  return [...old, ...fresh.filter((e) => !seen.has(e.id))];
}

const ms = (v: number | null) => (v === null ? "—" : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);

export function RunLive({ initial, canCancel }: { initial: RunDetailView; canCancel: boolean }) {
  const [run, setRun] = useState(initial);
  const [events, setEvents] = useState<EventItem[]>(initial.events);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const lastId = useRef(initial.events.at(-1)?.id ?? null);
  const finished = run.finished;

  useEffect(() => {
    if (finished) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One poll at a time, the next scheduled when this one is done: overlapping polls read the
    // same cursor and appended the same events twice.
    const readEvents = async () => {
      const after = lastId.current === null ? "" : `?after=${lastId.current}`;
      const polled = eventsAnswer.safeParse(await fetch(`/api/runs/${initial.id}/events${after}`).then((r) => r.json()).catch(() => null));
      if (stopped || !polled.success || polled.data.events.length === 0) return;
      lastId.current = polled.data.events.at(-1)?.id ?? lastId.current;
      setEvents((old) => appendNew(old, polled.data.events));
    };
    const tick = async () => {
      await readEvents();
      if (stopped) return;
      // The assets' states change without a log line too: the run is read on every poll until it has ended.
      const detail = runAnswer.safeParse(await fetch(`/api/runs/${initial.id}`).then((r) => r.json()).catch(() => null));
      if (stopped) return;
      const ended = detail.success && detail.data.run.finished;
      // Lines written between the two reads (the last one says how it ended) are read once more.
      if (ended) await readEvents();
      if (stopped) return;
      if (detail.success) setRun(detail.data.run);
      if (!ended) timer = setTimeout(() => void tick(), POLL_MS);
    };
    timer = setTimeout(() => void tick(), POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [finished, initial.id]);

  async function cancel() {
    setError(null);
    setNotice(null);
    const response = await fetch(`/api/runs/${initial.id}/cancel`, { method: "POST" });
    if (response.ok) {
      setNotice("Cancel requested: the run stops at its next step.");
      return;
    }
    const body = errorAnswer.safeParse(await response.json().catch(() => null));
    // 409: it ended before the cancel reached it; say how, instead of a bare refusal.
    setError(body.success ? (response.status === 409 ? `Not cancelled: ${body.data.error}.` : body.data.error) : "could not cancel the run");
  }

  return (
    <div className="wide" data-testid="run-live" data-status={run.status}>
      <div className="run-status">
        <span className="pill" data-run-status={run.status} data-testid="run-status">
          {run.status}
        </span>
        <span className="muted">
          {run.notebook ? `notebooks/${run.notebook}.md` : "—"} · {run.trigger}
          {run.selection.length > 0 ? ` · ${run.selection.join(" ")}` : ""}
          {run.partitions.length > 0 ? ` · partition ${run.partitions.join(", ")}` : ""} · created {run.createdAt.replace("T", " ").slice(0, 19)} UTC
        </span>
        {canCancel && !finished ? (
          <button type="button" className="btn btn--danger" onClick={cancel} data-testid="run-cancel">
            Cancel
          </button>
        ) : null}
        {error ? <span role="alert">{error}</span> : null}
        {notice && !finished ? <span className="muted" role="status">{notice}</span> : null}
      </div>
      {run.error ? <pre className="run-error">{run.error}</pre> : null}
      <div className="grid2">
        <section className="card">
          <h2>Assets</h2>
          {run.assets.length === 0 ? (
            <p className="empty">{finished ? "No asset ran." : "Waiting for a worker…"}</p>
          ) : (
            <table className="table" data-testid="run-assets">
              <thead>
                <tr>
                  <th>Asset</th>
                  <th>State</th>
                  <th className="num">Rows</th>
                  <th className="num">Checks</th>
                  <th className="num">Duration</th>
                  <th className="num">Attempts</th>
                </tr>
              </thead>
              <tbody>
                {run.assets.map((a) => (
                  <tr key={a.name} data-asset={a.name} data-state={a.state}>
                    <td>
                      <a href={`/catalog/${encodeURIComponent(a.name)}`}>{a.name}</a>
                      {a.reason ? <div className="muted">{a.reason}</div> : null}
                      {a.note ? (
                        <div className="muted" data-testid={`run-note-${a.name}`}>
                          {a.note}
                        </div>
                      ) : null}
                      {a.attempts.length > 1 ? (
                        <ol className="attempts" aria-label={`attempts of ${a.name}`}>
                          {a.attempts.map((t) => (
                            <li key={t.attempt}>
                              attempt {t.attempt}: {t.status} {t.durationMs === null ? "" : `in ${ms(t.durationMs)}`}
                              {t.error ? ` — ${t.error}` : ""}
                            </li>
                          ))}
                        </ol>
                      ) : null}
                    </td>
                    <td>
                      <span className="pill" data-run-status={a.state}>
                        {a.state}
                      </span>
                    </td>
                    <td className="num">{a.rows === null ? "—" : number.format(a.rows)}</td>
                    <td className="num" data-testid={`run-checks-${a.name}`} title={a.checks ? `${a.checks.passed} of ${a.checks.total} checks passed` : undefined}>
                      {a.checks === null || a.checks.total === 0 ? "—" : `${a.checks.passed}/${a.checks.total}`}
                    </td>
                    <td className="num">{ms(a.durationMs)}</td>
                    <td className="num">{a.attempts.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card">
          <h2>Log</h2>
          <ol className="run-log" data-testid="run-log">
            {events.map((e) => (
              <li key={e.id} data-level={e.level} data-event-id={e.id}>
                <span className="muted">{time(e.at)}</span> {e.asset ? <strong>{e.asset}</strong> : null} {e.message}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
