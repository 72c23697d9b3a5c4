// The catalog list. In a shared view names are plain text: the link opens one page only.
import Link from "next/link";
import type { CatalogRow } from "@/lib/catalog/views";
import { ChecksPill, FreshnessPill } from "./status";

const number = new Intl.NumberFormat("en-US");
const when = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—");

export function CatalogTable({ rows, linkAssets }: { rows: CatalogRow[]; linkAssets: boolean }) {
  if (rows.length === 0) return <p className="empty">No assets match.</p>;
  return (
    <table className="table" data-testid="catalog-table">
      <thead>
        <tr>
          <th>Asset</th>
          <th>Kind</th>
          <th>Group</th>
          <th>Owners</th>
          <th>Freshness</th>
          <th>Checks</th>
          <th className="num">Rows</th>
          <th>Last materialized</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name} data-asset={row.name}>
            <td>
              {row.schema === null ? null : <span className="muted">{row.schema}.</span>}
              {linkAssets ? (
                <Link href={`/catalog/${encodeURIComponent(row.name)}`} prefetch={false}>
                  {row.name}
                </Link>
              ) : (
                <strong>{row.name}</strong>
              )}
              {row.tags.map((t) => (
                <span key={t} className="tag">
                  {t}
                </span>
              ))}
              {row.description ? <div className="muted">{row.description}</div> : null}
            </td>
            <td>{row.kind}</td>
            <td>{row.group ?? "—"}</td>
            <td>{row.owners.join(", ") || "—"}</td>
            <td>
              <FreshnessPill freshness={row.freshness} />
            </td>
            <td>
              <ChecksPill checks={row.checks} />
            </td>
            <td className="num">{row.rows === null ? "—" : number.format(row.rows)}</td>
            <td>{when(row.lastAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
