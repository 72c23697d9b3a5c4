// How the run service takes concurrency slots: a run waits (still queued) for its pools before
// it starts; each attempt of an asset waits for the asset's pools. Waiting holds the queue job
// (its heartbeats go on) and writes one run event when it starts and one when it ends.
import type { CatalogDb, Run } from "../catalog";
import { parseNotebook } from "../notebook/parse";
import type { AssetCell } from "../notebook/types";
import type { JsonValue } from "../queue/types";
import { RUN_HOLDER, assetHolder, assetPools, releaseEndedRun, releaseSlots, runPools, waitForSlots, type SlotPolling, type SlotRequest, type WaitOutcome } from "./concurrency";
import { abortReason } from "../engine/executor";
import { substitutePartition } from "../partitions/windows";
import type { RunVersion } from "./run-notebooks";

export interface RunSlotsDeps {
  db: CatalogDb;
  polling?: SlotPolling;
  random?: () => number;
  log(runId: string, message: string, data: Record<string, JsonValue>, asset?: string): Promise<void>;
}

export type AssetSlot = { release(): Promise<void> } | { stopped: string };

const NEUTRAL_WINDOW = { key: "", start: new Date(0), end: new Date(0) };

export class RunSlots {
  /** Runs that took a slot in this process (one that took none has none to release, unless resumed). */
  private readonly taken = new Set<string>();

  constructor(private readonly deps: RunSlotsDeps) {}

  /** The run's own pools (workspace, notebook, front matter tags), taken before it runs. */
  async forRun(run: Pick<Run, "id" | "workspaceId">, version: Pick<RunVersion, "slug" | "text">, signal: AbortSignal): Promise<"acquired" | "finished" | "aborted"> {
    // Only the front matter matters here; a notebook that does not parse fails once it runs.
    const parsed = parseNotebook(substitutePartition(version.text, NEUTRAL_WINDOW), `${version.slug}.md`);
    const pools = runPools(version.slug, parsed.notebook?.frontMatter ?? {});
    const outcome = await this.wait({ workspaceId: run.workspaceId, runId: run.id, holder: RUN_HOLDER, pools }, signal);
    return outcome === "unlimited" ? "acquired" : outcome;
  }

  /** The asset's pools for one attempt; release() after it (it never throws). */
  async forAsset(run: Pick<Run, "id" | "workspaceId">, cell: AssetCell, partition: string | null, signal: AbortSignal): Promise<AssetSlot> {
    const holder = assetHolder(cell.name, partition);
    const outcome = await this.wait({ workspaceId: run.workspaceId, runId: run.id, holder, pools: assetPools(cell) }, signal, cell.name);
    switch (outcome) {
      case "acquired":
        // A slot left behind by a failed delete still ends with its run.
        return { release: () => releaseSlots(this.deps.db, run.id, holder).catch(() => undefined) };
      case "unlimited":
        return { release: async () => undefined };
      case "aborted":
        return { stopped: abortReason(signal) };
      case "finished":
        return { stopped: "the run is no longer running" };
      default: {
        const unreachable: never = outcome;
        throw new Error(`unknown outcome ${String(unreachable)}`);
      }
    }
  }

  /**
   * Every slot of a run that has ended (a live run keeps its slots for the attempt that resumes it).
   * `resumed`: an earlier attempt of the run, maybe in another process, may have taken slots.
   */
  async releaseEndedRun(runId: string, resumed: boolean): Promise<void> {
    if (!this.taken.delete(runId) && !resumed) return;
    // Slots of an ended run no longer count, and the next acquirer deletes them anyway.
    await releaseEndedRun(this.deps.db, runId).catch(() => undefined);
  }

  private async wait(request: SlotRequest, signal: AbortSignal, asset?: string): Promise<WaitOutcome> {
    const { runId } = request;
    const outcome = await waitForSlots(this.deps.db, request, {
      signal,
      polling: this.deps.polling,
      random: this.deps.random,
      onWaiting: (full) => this.deps.log(runId, `waiting for a slot: ${full.pool} (${full.inUse} of ${full.limit} in use)`, { event: "slot_waiting", ...full }, asset),
      onAcquired: () => this.deps.log(runId, "got a slot", { event: "slot_acquired" }, asset),
    });
    if (outcome === "acquired") this.taken.add(runId);
    return outcome;
  }
}
