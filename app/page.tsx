import Link from "next/link";
import { connection } from "next/server";
import { NewNotebookForm } from "./notebooks/_home/NewNotebookForm";
import { listNotebooks } from "./notebooks";

const commands = [
  { command: "npx assetbook check notebooks/rides.md", note: "parse, validate and build the graph; runs nothing" },
  { command: "npx assetbook run notebooks/shop.md --db data/dev.duckdb", note: "materialize the assets in graph order into a local DuckDB file" },
  { command: "npx assetbook fmt --check", note: "check that notebooks are in canonical form" },
];

export default async function HomePage() {
  await connection();
  const notebooks = await listNotebooks();

  return (
    <>
      <section className="hero">
        <h1>Pipelines as notebooks</h1>
        <p className="lede">
          Assetbook is a workspace where a data team writes pipelines as notebooks. Every cell
          declares a data asset — an extract, a SQL transform, a model, a chart — and the cells
          form a graph through the tables they read. Notebooks are plain Markdown files, so they
          are reviewed, tested and promoted like code.
        </p>
      </section>

      <section className="card" aria-labelledby="notebooks-heading">
        <div className="card__head">
          <h2 id="notebooks-heading">Notebooks</h2>
          <span className="muted">
            {notebooks.length} in <code>notebooks/</code>
          </span>
        </div>
        {notebooks.length === 0 ? (
          <p className="empty" data-testid="notebook-list">
            No notebooks yet. Create one below, or add a Markdown file to <code>notebooks/</code>.
          </p>
        ) : (
          <ul className="notebooks" data-testid="notebook-list">
            {notebooks.map((notebook) => (
              <li key={notebook.slug}>
                <Link className="notebooks__title notebooks__link" href={`/notebooks/${notebook.slug}`}>
                  {notebook.title}
                </Link>
                <code className="notebooks__file">{notebook.file}</code>
              </li>
            ))}
          </ul>
        )}
        <NewNotebookForm />
      </section>

      <section className="card" aria-labelledby="cli-heading">
        <div className="card__head">
          <h2 id="cli-heading">Command line</h2>
          <span className="muted">the same engine, from a terminal</span>
        </div>
        <ul className="commands">
          {commands.map(({ command, note }) => (
            <li key={command}>
              <pre>
                <code>{command}</code>
              </pre>
              <p className="muted">{note}</p>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
