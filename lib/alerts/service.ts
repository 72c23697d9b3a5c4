// Alerts as a host wires them: the `deliver_alert` job's handler, and what the run service
// and the scheduler call when a run ends or a freshness state changes. Payloads are
// redacted of every secret value the workspace knows (its secrets, the environment
// secrets it may resolve, the signing secret) before they are stored or sent.
import { z } from "zod";
import type { CatalogDb } from "../catalog/store";
import { workspaceSecrets } from "../catalog/secrets";
import type { FreshnessChange } from "../catalog/freshness-states";
import { outboundFetch, type OutboundPolicy } from "../outbound";
import type { JobQueue, TaskHandlers } from "../queue/types";
import { Redactor } from "../secrets/secrets";
import { describePolicy } from "../schedule/freshness";
import { clearAlert, DELIVER_ALERT_TASK, raiseAlert, sendTestAlert, type AlertDeps } from "./dispatch";
import { deliverAlert, type DeliverDeps } from "./deliver";
import type { AlertClear, AlertEvent } from "./events";
import { runAlerts, type EndedRun } from "./run-events";
import { signingSecret } from "./signing";
import { smtpSender } from "./smtp";

export interface AlertServiceOptions {
  db: CatalogDb;
  queue: Pick<JobQueue, "enqueue">;
  /** The secret key (ASSETBOOK_SECRET_KEY): seals the signing secret; null: webhooks cannot be signed, and fail. */
  key: Buffer | null;
  baseUrl: string | null;
  outbound: OutboundPolicy;
  smtp: { url: string; from: string } | null;
  /** ASSETBOOK_ENV_SECRETS and the environment: their values are redacted too. */
  envSecrets: readonly string[];
  env: Record<string, string | undefined>;
  now?: () => Date;
}

/** The app's own origins: its base URL, and its port (PORT, default 3000) on the loopback names. */
export function ownOrigins(baseUrl: string | null, env: Record<string, string | undefined>): string[] {
  const port = env.PORT !== undefined && /^\d+$/.test(env.PORT) ? env.PORT : "3000";
  const origins = ["127.0.0.1", "localhost", "[::1]"].map((host) => `http://${host}:${port}`);
  return baseUrl === null ? origins : [new URL(baseUrl).origin, ...origins];
}

const deliveryPayload = z.object({ deliveryId: z.string().min(1) });

export class AlertService {
  private readonly now: () => Date;
  private readonly deliverDeps: DeliverDeps;

  constructor(private readonly options: AlertServiceOptions) {
    this.now = options.now ?? (() => new Date());
    const { key } = options;
    this.deliverDeps = {
      db: options.db,
      queue: options.queue,
      now: this.now,
      fetch: outboundFetch(options.outbound),
      sendMail: options.smtp === null ? null : smtpSender(options.smtp),
      ownOrigins: ownOrigins(options.baseUrl, options.env),
      signingSecret: async (workspaceId) => {
        if (key === null) throw new Error("webhooks are signed with a secret sealed by ASSETBOOK_SECRET_KEY, which this process does not have");
        return signingSecret(options.db, key, workspaceId);
      },
    };
  }

  handlers(): TaskHandlers {
    return { [DELIVER_ALERT_TASK]: (payload) => deliverAlert(this.deliverDeps, deliveryPayload.parse(payload).deliveryId) };
  }

  async raise(workspaceId: string, event: AlertEvent): Promise<void> {
    await raiseAlert(await this.deps(workspaceId), workspaceId, event);
  }

  async clear(workspaceId: string, clear: AlertClear): Promise<void> {
    await clearAlert(await this.deps(workspaceId), workspaceId, clear);
  }

  async sendTest(workspaceId: string, ruleId: string): Promise<string | null> {
    const rule = await this.options.db.alertRule.findFirst({ where: { id: ruleId, workspaceId } });
    return rule === null ? null : sendTestAlert(await this.deps(workspaceId), rule);
  }

  /** A production run ended: its failures raise, its successes clear. */
  async runEnded(workspaceId: string, run: EndedRun): Promise<void> {
    const { db } = this.options;
    const assets = await db.asset.findMany({ where: { workspaceId, name: { in: run.outcomes.map((o) => o.asset) } }, select: { name: true, owners: true, tags: true } });
    const byName = new Map(assets.map((asset) => [asset.name, asset]));
    const notebookAssets = run.notebook === null ? [] : await db.asset.findMany({ where: { workspaceId, notebook: { slug: run.notebook } }, select: { owners: true } });
    const { raise, clear } = runAlerts(run, { notebookOwners: [...new Set(notebookAssets.flatMap((a) => a.owners))], notebookTags: [], asset: (name) => byName.get(name) });
    const deps = await this.deps(workspaceId);
    for (const event of raise) await raiseAlert(deps, workspaceId, event);
    for (const event of clear) await clearAlert(deps, workspaceId, event);
  }

  /** Runs still running: each raises run_too_long with its duration (a rule sends it past its own minutes; its end clears it). */
  async longRuns(workspaceId: string, now: Date): Promise<void> {
    const running = await this.options.db.run.findMany({
      where: { workspaceId, status: "running", startedAt: { not: null } },
      select: { id: true, startedAt: true, notebook: { select: { slug: true } } },
    });
    if (running.length === 0) return;
    const deps = await this.deps(workspaceId);
    for (const run of running) {
      const started = run.startedAt ?? now;
      const durationSeconds = Math.max(0, Math.round((now.getTime() - started.getTime()) / 1000));
      const notebook = run.notebook?.slug;
      const owners = notebook === undefined ? [] : (await this.options.db.asset.findMany({ where: { workspaceId, notebook: { slug: notebook } }, select: { owners: true } })).flatMap((a) => a.owners);
      await raiseAlert(deps, workspaceId, {
        type: "run_too_long",
        key: run.id,
        title: `Run of ${notebook ?? "a notebook"} is taking long`,
        at: now,
        subject: { ...(notebook === undefined ? {} : { notebook }), owners: [...new Set(owners)], tags: [] },
        facts: { run: run.id, notebook: notebook ?? null, running_for_s: durationSeconds, started_at: started.toISOString() },
        link: `/runs/${run.id}`,
        durationSeconds,
      });
    }
  }

  /**
   * Reviews waiting for approval (the latest revision built, not yet approved) raise
   * review_waiting; a review approved, promoted or abandoned clears it. The scheduler asks once a minute.
   */
  async reviewsWaiting(workspaceId: string, now: Date): Promise<void> {
    const { db } = this.options;
    const open = await db.review.findMany({
      where: { workspaceId, status: "open" },
      select: {
        number: true,
        title: true,
        revisions: { orderBy: { number: "desc" }, take: 1, select: { number: true, buildStatus: true, builtAt: true, notebooks: true } },
        decisions: { where: { verdict: "approved" }, select: { revision: true } },
      },
    });
    const deps = await this.deps(workspaceId);
    const waiting = new Set<string>();
    for (const review of open) {
      const latest = review.revisions[0];
      if (latest === undefined || latest.buildStatus !== "built" || review.decisions.some((d) => d.revision === latest.number)) continue;
      const key = `#${review.number}`;
      waiting.add(key);
      const slugs = z.array(z.object({ slug: z.string() }).loose()).catch([]).parse(latest.notebooks).map((n) => n.slug);
      const owners = (await db.asset.findMany({ where: { workspaceId, notebook: { slug: { in: slugs } } }, select: { owners: true } })).flatMap((a) => a.owners);
      await raiseAlert(deps, workspaceId, {
        type: "review_waiting",
        key,
        title: `Review #${review.number} is waiting for approval: ${review.title}`,
        at: latest.builtAt ?? now,
        subject: { ...(slugs[0] === undefined ? {} : { notebook: slugs[0] }), owners: [...new Set(owners)], tags: [] },
        facts: { review: review.number, title: review.title, revision: latest.number, notebooks: slugs.join(", ") },
        link: `/reviews/${review.number}`,
      });
    }
    const stale = await db.alertIncident.findMany({ where: { event: "review_waiting", openKey: { not: null }, rule: { workspaceId } }, select: { dedupKey: true } });
    for (const key of new Set(stale.map((incident) => incident.dedupKey.replace(/^review_waiting:/, "")))) {
      if (!waiting.has(key)) await clearAlert(deps, workspaceId, { type: "review_waiting", key, title: `Review ${key} is waiting for approval`, at: now });
    }
  }

  /** A commit of the branch production follows was synced: one that failed raises branch_sync_failed, one promoted clears it. */
  async branchCommit(workspaceId: string, commit: { branch: string; sha: string; at: Date } & ({ status: "promoted" } | { status: "failed"; reason: string })): Promise<void> {
    const deps = await this.deps(workspaceId);
    const title = `Commit ${commit.sha.slice(0, 12)} of branch ${commit.branch} was not promoted`;
    if (commit.status === "promoted") {
      await clearAlert(deps, workspaceId, { type: "branch_sync_failed", key: commit.branch, title: `Branch ${commit.branch} is promoted again (commit ${commit.sha.slice(0, 12)})`, at: commit.at });
      return;
    }
    await raiseAlert(deps, workspaceId, {
      type: "branch_sync_failed",
      key: commit.branch,
      title,
      at: commit.at,
      subject: { owners: [], tags: [] },
      facts: { branch: commit.branch, commit: commit.sha, reason: commit.reason },
      link: "/settings",
    });
  }

  /** Freshness states changed (the scheduler's evaluation): overdue raises, leaving overdue clears. */
  async freshnessChanged(workspaceId: string, changes: readonly FreshnessChange[]): Promise<void> {
    if (changes.length === 0) return;
    const deps = await this.deps(workspaceId);
    const assets = await this.options.db.asset.findMany({ where: { id: { in: changes.map((c) => c.assetId) } }, select: { id: true, owners: true, tags: true, group: true } });
    const byId = new Map(assets.map((asset) => [asset.id, asset]));
    for (const change of changes) {
      const title = `${change.asset} is overdue`;
      if (change.state === "overdue") {
        const asset = byId.get(change.assetId);
        await raiseAlert(deps, workspaceId, {
          type: "freshness_overdue",
          key: change.asset,
          title,
          at: change.since,
          subject: { asset: change.asset, ...(asset?.group ? { notebook: asset.group } : {}), owners: asset?.owners ?? [], tags: asset?.tags ?? [] },
          facts: { asset: change.asset, overdue_since: change.since.toISOString(), policy: describePolicy(change.policy) },
          link: `/catalog/${encodeURIComponent(change.asset)}`,
        });
      } else if (change.previous === "overdue") {
        await clearAlert(deps, workspaceId, { type: "freshness_overdue", key: change.asset, title, at: change.since });
      }
    }
  }

  /** The redactor is built (every secret decrypted) only when a payload is made: the scheduler's polls usually make none. */
  private async deps(workspaceId: string): Promise<AlertDeps> {
    let redactor: Promise<Redactor> | undefined;
    const redact = async (value: unknown) => (await (redactor ??= this.redactor(workspaceId))).redactValue(value);
    return { db: this.options.db, queue: this.options.queue, now: this.now, redact, baseUrl: this.options.baseUrl };
  }

  private async redactor(workspaceId: string): Promise<Redactor> {
    const redactor = new Redactor();
    const { db, key, envSecrets, env } = this.options;
    if (key !== null) {
      for (const secret of (await workspaceSecrets(db, key, workspaceId)).values()) redactor.add(secret.value);
      redactor.add(await signingSecret(db, key, workspaceId));
    }
    for (const name of envSecrets) {
      const value = env[name];
      if (value !== undefined && value !== "") redactor.add(value);
    }
    return redactor;
  }
}
