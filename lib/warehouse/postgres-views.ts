// Views on PostgreSQL, which binds a view to the columns (and objects) it reads when it is
// made. Replacing one with other columns needs a DROP, which the views that read it would
// block: those are kept by making them again from their own definitions in the same
// transaction (so a view asset over a served name survives its input's new version). One
// whose definition no longer fits is refused, naming it, and nothing changes.
import { quoteIdent, quoteLiteral, type ViewRef, type ViewTarget } from "./types";
import { createViewSql, dropViewSql, qualified, relationKindOf, type StepRunner } from "./metadata-sql";

interface Session {
  run(sql: string): Promise<unknown>;
  readRows(sql: string): Promise<readonly Record<string, unknown>[]>;
  /** The search path the session has now (a view's SQL resolves from its own schema, then these). */
  path(): readonly string[];
}

function setLocalPath(schemas: readonly string[]): string {
  return `SET LOCAL search_path TO ${schemas.map(quoteIdent).join(", ")}`;
}

/** Every view that reads `relation`, directly or through another, the nearest first, with its definition schema-qualified. */
function dependentsSql(relation: ViewRef): string {
  const oid = `${quoteLiteral(qualified(relation.schema, relation.name))}::regclass`;
  return (
    `WITH RECURSIVE deps(oid, depth) AS (` +
    `SELECT r.ev_class, 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid WHERE d.refobjid = ${oid} AND r.ev_class <> d.refobjid ` +
    `UNION SELECT r.ev_class, deps.depth + 1 FROM deps JOIN pg_depend d ON d.refobjid = deps.oid JOIN pg_rewrite r ON r.oid = d.objid WHERE r.ev_class <> d.refobjid) ` +
    `SELECT n.nspname AS schema, c.relname AS name, pg_get_viewdef(c.oid) AS definition, max(deps.depth) AS depth ` +
    `FROM deps JOIN pg_class c ON c.oid = deps.oid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'v' ` +
    `GROUP BY n.nspname, c.relname, c.oid ORDER BY depth, schema, name`
  );
}

export function postgresViewSteps(session: Session): Pick<StepRunner, "pointView" | "relationKind"> {
  let savepoints = 0;
  const relationKind: StepRunner["relationKind"] = async (relation) =>
    relationKindOf(
      await session.readRows(
        `SELECT CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace ` +
          `WHERE n.nspname = ${quoteLiteral(relation.schema)} AND c.relname = ${quoteLiteral(relation.name)} AND c.relkind IN ('r', 'p', 'v', 'm')`,
      ),
    );

  /** Makes the view; a query's bare names bind from the view's schema first, as DuckDB reads them. */
  async function create(view: ViewRef, target: ViewTarget, orReplace: boolean): Promise<void> {
    if (!("sql" in target)) return void (await session.run(createViewSql(view, target, orReplace)));
    await session.run(setLocalPath([view.schema, ...session.path().filter((schema) => schema !== view.schema)]));
    // Not restored on an error: the transaction is rolled back (to a savepoint, or whole) anyway.
    await session.run(createViewSql(view, target, orReplace));
    await session.run(setLocalPath(session.path()));
  }

  /** Drops the view and makes it anew, then every view that read it from its own definition. */
  async function remake(view: ViewRef, target: ViewTarget): Promise<void> {
    // With only pg_catalog on the path, every name in a definition comes out qualified.
    await session.run(setLocalPath(["pg_catalog"]));
    const dependents = await session.readRows(dependentsSql(view));
    await session.run(setLocalPath(session.path()));
    await session.run(`DROP VIEW ${qualified(view.schema, view.name)} CASCADE`);
    await create(view, target, false);
    for (const row of dependents) {
      const name = qualified(String(row.schema), String(row.name));
      try {
        await session.run(`CREATE VIEW ${name} AS ${String(row.definition)}`);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`the view ${name} reads ${qualified(view.schema, view.name)}, and no longer fits its new columns (${reason}): change or drop ${name} first`);
      }
    }
  }

  return {
    relationKind,
    async pointView(view, target) {
      if (target === null) return void (await session.run(dropViewSql(view)));
      if ((await relationKind(view)) === "table") await session.run(`DROP TABLE ${qualified(view.schema, view.name)}`);
      // OR REPLACE may only add columns at the end; otherwise the view is made again.
      const savepoint = quoteIdent(`assetbook_view_${++savepoints}`);
      await session.run(`SAVEPOINT ${savepoint}`);
      try {
        await create(view, target, true);
        await session.run(`RELEASE SAVEPOINT ${savepoint}`);
      } catch (error) {
        await session.run(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        // Only an existing view can be in the way; otherwise the SQL's own error is the answer.
        if ((await relationKind(view)) !== "view") throw error;
        await remake(view, target);
      }
    },
  };
}
