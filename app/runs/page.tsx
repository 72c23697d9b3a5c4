import Link from "next/link";
import { RUN_STATUSES } from "@/lib/runs";
import { loadRuns, runsQuerySchema } from "@/app/_lib/run-data";
import { requireMember } from "@/app/_lib/page-session";
import "@/app/catalog/catalog.css";
import "./runs.css";
import { FilterSelect } from "@/app/components/FilterSelect";
import { Pager, withQuery } from "@/app/components/Pager";

export const metadata = { title: "Runs · Assetbook" };

const when = (iso: string) => iso.replace("T", " ").slice(0, 19) + " UTC";
const took = (from: string | null, to: string | null) => (from === null || to === null ? "—" : `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)} s`);

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireMember("viewer", "/runs");
  const query = runsQuerySchema.parse(await searchParams);
  const { runs, older, notebooks } = await loadRuns(query);
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Runs</h1>
      </div>
      <form className="filters" method="get" role="search">
        <FilterSelect label="Status" name="status" value={query.status} options={RUN_STATUSES} />
        <FilterSelect label="Notebook" name="notebook" value={query.notebook} options={notebooks} />
        <button className="btn" type="submit">
          Filter
        </button>
      </form>
      {runs.length === 0 ? (
        <p className="empty">No runs{query.status || query.notebook ? " match these filters" : " yet"}.</p>
      ) : (
        <table className="table" data-testid="runs-table">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Notebook</th>
              <th>Trigger</th>
              <th>Created</th>
              <th className="num">Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td>
                  <Link href={`/runs/${r.id}`} prefetch={false}>
                    <code>{r.id.slice(0, 8)}</code>
                  </Link>
                </td>
                <td>
                  <span className="pill" data-run-status={r.status}>
                    {r.status}
                  </span>
                </td>
                <td>{r.notebook ?? "—"}</td>
                <td>{r.trigger}</td>
                <td>{when(r.createdAt)}</td>
                <td className="num">{took(r.startedAt, r.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {query.before || older ? (
        <Pager
          testId="runs-pager"
          label={query.before ? "Older runs" : `The newest ${runs.length} runs`}
          previousLabel="← Newest"
          previous={query.before ? withQuery("/runs", { status: query.status, notebook: query.notebook }) : undefined}
          next={older ? withQuery("/runs", { status: query.status, notebook: query.notebook, before: older }) : undefined}
        />
      ) : null}
    </div>
  );
}
