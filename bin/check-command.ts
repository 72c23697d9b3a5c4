// `assetbook check`: parses and validates notebooks and builds their graph; runs nothing.
import { duplicateProducerIssues } from "../lib/graph";
import { describeEdges } from "../lib/graph/describe";
import { describePartitions } from "../lib/engine/partition-plan";
import { preparePartitioned } from "../lib/engine/prepare-partitioned";
import { parseNotebook } from "../lib/notebook";
import { notebookPartitions } from "../lib/partitions/windows";
import { notebookFiles, parse, printIssues, readNotebook, type Out } from "./args";
import { dim, green } from "./format";
import { withParser } from "./parser";
import path from "node:path";
import { workspaceOf } from "../lib/workspace/workspace-source";

export async function check(args: string[], out: Out, err: Out): Promise<number> {
  const positionals = await notebookFiles(parse(args, {}).positionals, err);
  return withParser(async (parser) => {
    let failed = 0;
    // Checked together: one asset has one producer across the notebooks named.
    const texts = new Map(positionals.map((file) => [file, readNotebook(file)]));
    const parsed = [...texts].flatMap(([file, text]) => parseNotebook(text, file).notebook ?? []);
    const elsewhere = duplicateProducerIssues(parsed);
    const workspaces = new Map<string, Awaited<ReturnType<typeof workspaceOf>>>();
    for (const [file, text] of texts) {
      // Each folder's workspace file is checked once, and its notebooks with its development values.
      const folder = path.dirname(file);
      let workspace = workspaces.get(folder);
      if (workspace === undefined) {
        workspace = await workspaceOf(folder, "development");
        workspaces.set(folder, workspace);
        if (!workspace.ok) {
          printIssues(workspace.issues, err);
          failed++;
        }
      }
      if (!workspace.ok) continue;
      // `{{ partition.* }}` is not SQL: a partitioned notebook is checked with neutral values
      const prepared = await preparePartitioned(text, file, parser, null, workspace.workspace);
      const duplicates = elsewhere.filter((issue) => issue.file === file);
      if (!prepared.ok || duplicates.length > 0) {
        printIssues([...(prepared.ok ? [] : prepared.issues), ...duplicates].sort((a, b) => a.line - b.line || a.column - b.column), err);
        failed++;
        continue;
      }
      const order = prepared.graph.topoOrder();
      const def = notebookPartitions(prepared.notebook.frontMatter);
      const partitioned = def === null ? "" : `, partitioned (${describePartitions(def)})`;
      out(`${green("ok")} ${file}: ${order.length} asset${order.length === 1 ? "" : "s"}${partitioned} ${dim(describeEdges(prepared.graph))}`);
    }
    return failed > 0 ? 1 : 0;
  });
}
