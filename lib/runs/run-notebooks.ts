// The notebooks runs execute, read and prepared once per worker. A version is never changed
// once written (a new text is a new version) and a notebook keeps its slug; preparing one
// (parse, graph, partition values) gives the same result for the same partition every time.
import type { CatalogDb } from "../catalog";
import type { PreparedNotebook } from "../engine/prepare";
import type { SqlReferenceParser } from "../graph";
import { Lru } from "./lru";
import { preparePartitioned } from "../engine/prepare-partitioned";
import { projectWorkspace } from "../lifecycle/definitions";
import { WORKSPACE_FILE } from "../notebook/workspace-file";

export interface RunVersion {
  id: string;
  notebookId: string;
  slug: string;
  text: string;
}

export class RunNotebooks {
  private readonly versions: Lru<string, RunVersion>;
  private readonly prepared: Lru<string, PreparedNotebook>;

  /** `max` versions and as many prepared notebooks are kept: it bounds the memory they hold. */
  constructor(
    private readonly db: CatalogDb,
    max = 64,
  ) {
    this.versions = new Lru(max);
    this.prepared = new Lru(max);
  }

  /** The version; throws when it does not exist, as findUniqueOrThrow does. */
  async version(id: string): Promise<RunVersion> {
    const cached = this.versions.get(id);
    if (cached !== undefined) return cached;
    const row = await this.db.notebookVersion.findUniqueOrThrow({ where: { id }, select: { id: true, notebookId: true, text: true, notebook: { select: { slug: true } } } });
    const version = { id: row.id, notebookId: row.notebookId, slug: row.notebook.slug, text: row.text };
    this.versions.set(id, version);
    return version;
  }

  /**
   * preparePartitioned of the version (its issues too) in production's workspace file
   * (`workspaceText`, null: none); nothing reads a prepared notebook but to plan.
   */
  async prepare(
    version: RunVersion,
    partition: string | null,
    parser: () => Promise<SqlReferenceParser>,
    workspaceText: string | null = null,
    /** The run's parameters as text (empty: their defaults). */
    params: Readonly<Record<string, string>> = {},
  ): Promise<PreparedNotebook> {
    const key = JSON.stringify([version.id, partition, workspaceText, params]);
    const cached = this.prepared.get(key);
    if (cached !== undefined) return cached;
    const workspace = projectWorkspace(workspaceText === null ? [] : [{ slug: WORKSPACE_FILE, text: workspaceText }]);
    if (!workspace.ok) return workspace;
    const prepared = await preparePartitioned(version.text, `${version.slug}.md`, await parser(), partition, workspace.workspace, params);
    this.prepared.set(key, prepared);
    return prepared;
  }
}
