// Partitioned notebooks in the lifecycle: an environment builds a few partitions of a changed
// partitioned asset (the newest by default, or the keys asked for), and production backfills
// the others after the promotion, into the promoted version. Pure: `now` is given.
import { latestPartitions } from "../engine/partition-plan";
import { parseNotebook } from "../notebook/parse";
import type { NotebookIssue } from "../notebook/types";
import { notebookPartitions, partitionWindow, partitionWindows, type PartitionsDef } from "../partitions/windows";
import type { NotebookText } from "./definitions";

export interface PartitionSchedule {
  /** Keys the environment builds, in the order given (default: the newest partition that has started). */
  build: string[];
  /** The other partitions that have started: production backfills them after the promotion. */
  backfill: { count: number; first: string | null; last: string | null };
}

/** The schedule of one partitioned notebook; `requested` keys it does not have are left to other notebooks. */
export function partitionSchedule(def: PartitionsDef, now: Date, requested: readonly string[]): PartitionSchedule {
  const own = [...new Set(requested.filter((key) => partitionWindow(def, key) !== null))];
  const build = own.length > 0 ? own : latestPartitions(def, now, 1).map((window) => window.key);
  const built = new Set(build);
  const rest = partitionWindows(def, now)
    .map((window) => window.key)
    .filter((key) => !built.has(key));
  return { build, backfill: { count: rest.length, first: rest[0] ?? null, last: rest.at(-1) ?? null } };
}

/** The partitions definition of a notebook text, or null (unpartitioned, or front matter that does not parse: the plan reports that). */
export function textPartitions(text: NotebookText): PartitionsDef | null {
  return notebookPartitions(parseNotebook(text.text, `${text.slug}.md`).notebook?.frontMatter ?? {});
}

/**
 * Schedules of the partitioned notebooks that have assets to build (memoized: counting the
 * partitions of years of hourly windows is not free), and the requested keys no such
 * notebook has, as issues.
 */
export function partitionSchedules(
  texts: readonly NotebookText[],
  building: ReadonlySet<string>,
  now: Date,
  requested: readonly string[],
): { scheduleOf: (slug: string) => PartitionSchedule | null; issues: NotebookIssue[] } {
  const defs = new Map(texts.filter((text) => building.has(text.slug)).flatMap((text) => {
    const def = textPartitions(text);
    return def === null ? [] : [[text.slug, def] as const];
  }));
  const unknown = requested.filter((key) => ![...defs.values()].some((def) => partitionWindow(def, key) !== null));
  const slugs = [...defs.keys()];
  const issues: NotebookIssue[] = unknown.map((key) =>
    slugs[0] === undefined
      ? { file: "command line", line: 1, column: 1, field: "--partition", message: `"${key}": no notebook with changes to build is partitioned` }
      : { file: `${slugs[0]}.md`, line: 1, column: 1, field: "partitions", message: `--partition "${key}" is not one of its partitions${slugs.length > 1 ? ` (nor of ${slugs.slice(1).map((slug) => `${slug}.md`).join(", ")})` : ""}` },
  );
  const memo = new Map<string, PartitionSchedule>();
  return {
    scheduleOf(slug) {
      const def = defs.get(slug);
      if (def === undefined) return null;
      const known = memo.get(slug) ?? partitionSchedule(def, now, requested);
      memo.set(slug, known);
      return known;
    },
    issues,
  };
}

/** "apac; 2 more backfilled after the promotion (eu … us)": a schedule for people. */
export function describeSchedule(schedule: PartitionSchedule): string {
  const { count, first, last } = schedule.backfill;
  const later = count === 0 ? "nothing to backfill after the promotion" : `${count} more backfilled after the promotion (${count === 1 ? (first ?? "") : `${first ?? ""} … ${last ?? ""}`})`;
  return `partitions ${schedule.build.join(", ")}; ${later}`;
}
