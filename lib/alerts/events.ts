// What an alert is about. Hosts (the run service, the scheduler, reviews) raise an event when
// a condition begins and clear it when it ends; the same `key` names the condition all along,
// so a flapping condition opens one incident, not a hundred (lib/alerts/dispatch.ts).
export const ALERT_EVENTS = ["run_failed", "asset_failed", "check_failed", "freshness_overdue", "run_too_long", "schema_changed", "review_waiting", "branch_sync_failed"] as const;
export type AlertEventType = (typeof ALERT_EVENTS)[number];

/** What the event is about: what rule scopes match against. */
export interface AlertSubject {
  notebook?: string;
  asset?: string;
  owners: readonly string[];
  tags: readonly string[];
}

/** A fact shown in a notification: plain values, never a secret's value. */
export type AlertFact = string | number | boolean | null;

export interface AlertEvent {
  type: AlertEventType;
  /** The condition's identity while it lasts (`orders`, `daily-report`). */
  key: string;
  /** One line for people. */
  title: string;
  at: Date;
  subject: AlertSubject;
  facts: Readonly<Record<string, AlertFact>>;
  /** A path in the app (`/runs/…`, `/catalog/orders`). */
  link?: string;
  /** Rows that show the problem (failing rows of a check): sent only where the rule allows samples. */
  samples?: readonly Readonly<Record<string, AlertFact>>[];
  /** run_too_long: how long the run has taken, in seconds. */
  durationSeconds?: number;
}

/** The end of a condition: the incident it opened is resolved. */
export interface AlertClear {
  type: AlertEventType;
  key: string;
  title: string;
  at: Date;
}

/** The incident's identity under one rule: the event type and its key. */
export function dedupKeyOf(event: Pick<AlertEvent, "type" | "key">): string {
  return `${event.type}:${event.key}`;
}
