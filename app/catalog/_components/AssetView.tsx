// One asset: facts, schema, history, checks, partitions, lineage neighbours, code,
// sample rows. Used by /catalog/[asset] and by shared links (no links out, samples
// only when the link allows them).
import { utcTime } from "@/app/_lib/when";
import Link from "next/link";
import type { ReactNode } from "react";
import { cellSource } from "@/lib/catalog/cell-source";
import type { AssetDetail } from "@/lib/catalog/views";
import { SAMPLE_VALUE_CHARS, type SampleRows } from "@/lib/warehouse/sample-rows";
import { HistoryChart } from "./HistoryChart";
import { FreshnessPill } from "./status";
import { describePolicy } from "@/lib/schedule/freshness";

const number = new Intl.NumberFormat("en-US");

/** Characters of a cell's code on the page; a cell can be megabytes of SQL. */
const MAX_CODE_CHARS = 20_000;

export type Samples = { state: "shown"; sample: SampleRows | null } | { state: "hidden" };

function Neighbours({ names, linkAssets }: { names: string[]; linkAssets: boolean }) {
  if (names.length === 0) return <span className="muted">none</span>;
  return (
    <>
      {names.map((n, i) => (
        <span key={n}>
          {i > 0 ? ", " : ""}
          {linkAssets ? <Link href={`/catalog/${encodeURIComponent(n)}`}>{n}</Link> : n}
        </span>
      ))}
    </>
  );
}

/** `partitionsPanel`: the live partitions grid (app pages); shared views list the history's partitions. */
export function AssetView({ asset, samples, linkAssets, partitionsPanel }: { asset: AssetDetail; samples: Samples; linkAssets: boolean; partitionsPanel?: ReactNode }) {
  const last = asset.last;
  const source = asset.notebookText ? cellSource(asset.notebookText, asset.cell) : null;
  const partitions = [...new Map(asset.history.filter((m) => m.partition !== null).map((m) => [m.partition, m])).values()];
  return (
    <div className="wide" data-testid="asset-view">
      <div className="grid2">
        <section className="card">
          <h2>Overview</h2>
          <dl className="facts">
            <dt>Kind</dt>
            <dd>{asset.kind}</dd>
            <dt>Notebook</dt>
            <dd>
              {asset.notebookSlug === null || asset.notebookSlug === undefined ? (
                "—"
              ) : linkAssets ? (
                <Link href={`/notebooks/${encodeURIComponent(asset.notebookSlug)}`} data-testid="asset-notebook">
                  <code>notebooks/{asset.notebookSlug}.md</code>
                </Link>
              ) : (
                <code>notebooks/{asset.notebookSlug}.md</code>
              )}
            </dd>
            <dt>Placed in</dt>
            <dd data-testid="asset-schema" title="The database schema production serves it in by name, beside the warehouse's own">
              {asset.schema === null ? <span className="muted">the warehouse&apos;s own schema</span> : <code>{asset.schema}.{asset.name}</code>}
            </dd>
            <dt>Production version</dt>
            <dd data-testid="production-version" title="What production serves: a fingerprint of the cell's definition and its inputs'">
              {asset.productionVersion ? <code>{asset.productionVersion}</code> : "not promoted"}
            </dd>
            <dt>Owners</dt>
            <dd>{asset.owners.join(", ") || "—"}</dd>
            <dt>Freshness</dt>
            <dd data-testid="asset-freshness">
              <FreshnessPill freshness={asset.freshness} />
              {asset.policy ? (
                <span className="muted">
                  {" "}
                  since {utcTime(asset.policy.current.since)} · policy: {describePolicy(asset.policy.current.policy)}
                </span>
              ) : null}
            </dd>
            <dt>Row count</dt>
            <dd data-testid="row-count">{last?.rows === null || last === null ? "—" : number.format(last.rows)}</dd>
            <dt>Last materialized</dt>
            <dd>{last ? `${utcTime(last.createdAt)} · ${last.status} · ${Math.round(last.durationMs)} ms` : "never"}</dd>
            <dt>Upstream</dt>
            <dd data-testid="upstream">
              <Neighbours names={asset.upstream} linkAssets={linkAssets} />
            </dd>
            <dt>Downstream</dt>
            <dd data-testid="downstream">
              <Neighbours names={asset.downstream} linkAssets={linkAssets} />
            </dd>
          </dl>
        </section>
        <section className="card">
          <h2>Schema</h2>
          {last?.columns?.length ? (
            <table className="table" data-testid="schema">
              <thead>
                <tr>
                  <th>Column</th>
                  <th>Type</th>
                </tr>
              </thead>
              <tbody>
                {last.columns.map((c) => (
                  <tr key={c.name}>
                    <td>{c.name}</td>
                    <td>
                      <code>{c.type}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="empty">No schema yet: the asset has not been materialized in production.</p>
          )}
        </section>
      </div>

      {asset.policy && asset.policy.history.length > 0 ? (
        <section className="card" data-testid="freshness-history">
          <h2>Freshness</h2>
          <p className="muted">Policy: {describePolicy(asset.policy.current.policy)}. Evaluated once a minute by the scheduler; last at {utcTime(asset.policy.current.evaluatedAt)}.</p>
          <table className="table">
            <thead>
              <tr>
                <th>State</th>
                <th>Since</th>
                <th>Was</th>
                <th>Noticed</th>
              </tr>
            </thead>
            <tbody>
              {asset.policy.history.slice(0, 20).map((event) => (
                <tr key={`${event.state}-${event.since.toISOString()}`}>
                  <td>
                    <FreshnessPill freshness={event.state} />
                  </td>
                  <td>{utcTime(event.since)}</td>
                  <td>{event.previous ?? "—"}</td>
                  <td>{utcTime(event.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="card">
        <h2>History</h2>
        {asset.history.length === 0 ? <p className="empty">No materializations.</p> : <HistoryChart history={asset.history} />}
        {asset.history.length > 0 ? (
          <table className="table" style={{ marginTop: "0.75rem" }}>
            <thead>
              <tr>
                <th>When</th>
                <th>Status</th>
                <th>Partition</th>
                <th className="num">Rows</th>
                <th className="num">Duration</th>
                <th>Run</th>
              </tr>
            </thead>
            <tbody>
              {asset.history.slice(0, 10).map((m) => (
                <tr key={m.id}>
                  <td>{utcTime(m.createdAt)}</td>
                  <td>{m.status}</td>
                  <td>{m.partition ?? "—"}</td>
                  <td className="num">{m.rows === null ? "—" : number.format(m.rows)}</td>
                  <td className="num">{Math.round(m.durationMs)} ms</td>
                  <td data-testid="history-run">{m.runId === null ? "—" : linkAssets ? <Link href={`/runs/${m.runId}`}>{m.runId.slice(0, 8)}</Link> : <code>{m.runId.slice(0, 8)}</code>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <div className="grid2">
        <section className="card">
          <h2>Checks</h2>
          {last && last.checks.length > 0 ? (
            <table className="table" data-testid="checks">
              <tbody>
                {last.checks.map((c) => (
                  <tr key={c.check}>
                    <td>
                      <code>{c.check}</code>
                    </td>
                    <td>{c.passed ? "passed" : `failed (${c.failures})`}</td>
                    <td className="muted">{c.severity}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="empty">{source?.declaredChecks ? `${source.declaredChecks} declared, not run yet.` : "No checks."}</p>
          )}
        </section>
        <section className="card">
          <h2>Partitions</h2>
          {partitionsPanel ?? null}
          {partitionsPanel !== undefined ? null : partitions.length === 0 ? (
            <p className="empty">Not partitioned.</p>
          ) : (
            <ul>
              {partitions.map((m) => (
                <li key={m.partition}>
                  {m.partition}: {m.status}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="card">
        <h2>Cell</h2>
        {source ? (
          <pre className="code" data-testid="cell-code">
            {source.code.length > MAX_CODE_CHARS ? `${source.code.slice(0, MAX_CODE_CHARS)}\n… (${number.format(source.code.length - MAX_CODE_CHARS)} more characters: open the notebook)` : source.code}
          </pre>
        ) : (
          <p className="empty">The cell is not in the notebook&apos;s latest version.</p>
        )}
      </section>

      {samples.state === "shown" ? (
        <section className="card" data-testid="samples">
          <h2>Sample rows</h2>
          {samples.sample && samples.sample.rows.length > 0 ? (
            <div style={{ overflowX: "auto" }}>
              <table className="table">
                <thead>
                  <tr>
                    {samples.sample.columns.map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {samples.sample.rows.map((row, i) => (
                    <tr key={i}>
                      {row.map((v, j) => (
                        <td key={j}>{v}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
              {samples.sample.hiddenColumns > 0 || samples.sample.truncated ? (
                <p className="muted" data-testid="sample-cut">
                  {samples.sample.hiddenColumns > 0 ? `${samples.sample.hiddenColumns} more column${samples.sample.hiddenColumns === 1 ? "" : "s"} not shown. ` : ""}
                  {samples.sample.truncated ? `Long values are cut at ${SAMPLE_VALUE_CHARS} characters (…).` : ""}
                </p>
              ) : null}
            </div>
          ) : (
            <p className="empty">No production table to sample.</p>
          )}
        </section>
      ) : null}
    </div>
  );
}
