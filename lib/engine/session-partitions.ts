// A partitioned notebook in development (the browser editor): its cells run with one
// partition's values, as a production run of that partition would see them. SQL cells get
// the literals before the graph is built; extract cells keep their placeholders (the server
// fills them in when it previews the extract for the partition).
import { parseNotebook } from "../notebook";
import type { NotebookIssue } from "../notebook/types";
import { describePartitions, latestPartitions } from "./partition-plan";
import { hasPlaceholder, substituteNotebookText } from "../partitions/values";
import { neutralWindow, notebookPartitions, partitionWindow, type PartitionsDef, type PartitionWindow } from "../partitions/windows";

/** How many of the newest partitions the editor offers. */
export const PARTITION_CHOICES = 400;

export interface SessionPartitions {
  /** How the partitions are cut: "monthly", "date: daily × region: static". */
  description: string;
  /** The newest partitions whose window has started, newest first (at most PARTITION_CHOICES). */
  keys: string[];
  /** The partition the cells run with; null while none has started (they run with neutral values). */
  active: string | null;
}

export interface PartitionedText {
  /** The text with its SQL placeholders replaced by the active partition's literals. */
  text: string;
  /** A wrong `partitions:` and placeholders that are not partition values, at their file:line:col. */
  issues: NotebookIssue[];
  /** Undefined when the notebook is not partitioned. */
  partitions: SessionPartitions | undefined;
}

export class DevPartitions {
  /** The newest windows of the last definition seen, recounted when it changes or the minute turns. */
  private latest: { def: string; minute: number; windows: PartitionWindow[] } | undefined;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** The text as the cells run it with `chosen` (null, or not a partition: the newest one that has started). */
  substitute(text: string, file: string, chosen: string | null): PartitionedText {
    if (!hasPlaceholder(text) && !text.includes("partitions")) return { text, issues: [], partitions: undefined };
    // A wrong `partitions:` is an issue of the notebook's own parse, reported with the others.
    const def = notebookPartitions(parseNotebook(text, file).notebook?.frontMatter ?? {});
    const windows = def === null ? [] : this.newest(def);
    const window = def === null ? null : pick(def, windows, chosen);
    const done = substituteNotebookText(text, file, window ?? neutralWindow(def));
    const partitions = def === null ? undefined : { description: describePartitions(def), keys: windows.map((w) => w.key), active: window?.key ?? null };
    return { text: done.text, issues: done.issues, partitions };
  }

  private newest(def: PartitionsDef): PartitionWindow[] {
    const now = this.clock();
    const key = JSON.stringify(def);
    const minute = Math.floor(now.getTime() / 60_000);
    if (this.latest?.def !== key || this.latest.minute !== minute) this.latest = { def: key, minute, windows: latestPartitions(def, now, PARTITION_CHOICES) };
    return this.latest.windows;
  }
}

function pick(def: PartitionsDef, newest: PartitionWindow[], chosen: string | null): PartitionWindow | null {
  if (chosen === null) return newest[0] ?? null;
  return newest.find((w) => w.key === chosen) ?? partitionWindow(def, chosen) ?? newest[0] ?? null;
}
