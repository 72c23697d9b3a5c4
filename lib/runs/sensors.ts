// A notebook's webhook sensor: POST /api/sensors/<slug>, signed like alert webhooks
// (lib/secrets/signature.ts) under the notebook's own secret, starts a production run. The
// body's `idempotency_key` makes one run however often the request is sent (the run's job
// key); `partition` and `params` go to the run as a person's would.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { CatalogDb } from "../catalog";
import { open } from "../catalog/secret-box";
import { rotateSealedSecret, sealedSecret, type SealedRow } from "../catalog/sealed-secret";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from "../secrets/signature";
import type { RunTriggers } from "./trigger";

export const sensorRequestSchema = z.strictObject({
  /** The same key gives the same run (a retried delivery, a replayed event). */
  idempotency_key: z.string().min(1).max(200),
  partition: z.string().min(1).max(200).optional(),
  params: z.record(z.string().min(1).max(100), z.string().max(10_000)).optional(),
});

export class SensorError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 413,
    message: string,
  ) {
    super(message);
    this.name = "SensorError";
  }
}

const aad = (notebookId: string) => `assetbook-sensor:${notebookId}`;
export const MAX_SENSOR_BODY = 100_000;

async function notebookId(db: CatalogDb, workspaceId: string, slug: string): Promise<string | null> {
  return (await db.notebook.findUnique({ where: { workspaceId_slug: { workspaceId, slug } }, select: { id: true } }))?.id ?? null;
}

function sensorRow(db: CatalogDb, notebookId: string): SealedRow {
  return {
    read: () => db.notebookSensor.findUnique({ where: { notebookId } }),
    create: async (sealed) => void (await db.notebookSensor.create({ data: { notebookId, ...sealed } })),
    replace: async (sealed) => void (await db.notebookSensor.upsert({ where: { notebookId }, create: { notebookId, ...sealed }, update: sealed })),
  };
}

/** The notebook's sensor secret, made on first use; null when the catalog has no such notebook. */
export async function sensorSecret(db: CatalogDb, key: Buffer, workspaceId: string, slug: string): Promise<string | null> {
  const id = await notebookId(db, workspaceId, slug);
  return id === null ? null : sealedSecret(key, aad(id), sensorRow(db, id));
}

/** A new secret: requests signed with the old one are refused from now on. */
export async function rotateSensorSecret(db: CatalogDb, key: Buffer, workspaceId: string, slug: string): Promise<string | null> {
  const id = await notebookId(db, workspaceId, slug);
  return id === null ? null : rotateSealedSecret(key, aad(id), sensorRow(db, id));
}

export interface SensorRequest {
  workspaceId: string;
  slug: string;
  body: string;
  headers: { get(name: string): string | null };
  now: Date;
}

/** Verifies a sensor request and starts (or finds) its run. Throws SensorError with the status to answer. */
export async function triggerFromSensor(deps: { db: CatalogDb; key: Buffer; runs: () => Promise<Pick<RunTriggers, "triggerRun">> }, request: SensorRequest): Promise<{ runId: string; created: boolean }> {
  if (request.body.length > MAX_SENSOR_BODY) throw new SensorError(413, "the request body is too large");
  const signature = request.headers.get(SIGNATURE_HEADER);
  const timestamp = request.headers.get(TIMESTAMP_HEADER);
  if (signature === null || timestamp === null) throw new SensorError(400, `sign the request: ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} (see docs/alerts.md)`);
  const id = await notebookId(deps.db, request.workspaceId, request.slug);
  const row = id === null ? null : await deps.db.notebookSensor.findUnique({ where: { notebookId: id } });
  // One answer for "no such notebook" and "no sensor secret yet": neither reveals which notebooks exist.
  if (id === null || row === null) throw new SensorError(404, `notebook "${request.slug}" has no webhook sensor: an owner shows its URL and secret on Settings · Alerts first`);
  if (!verifySignature(open(deps.key, row, aad(id)), { signature, timestamp }, request.body, request.now)) {
    throw new SensorError(401, "the signature does not match, or its timestamp is more than 5 minutes off");
  }
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    throw new SensorError(400, "the body is not JSON");
  }
  const parsed = sensorRequestSchema.safeParse(json);
  if (!parsed.success) throw new SensorError(400, parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; "));
  const { idempotency_key: idempotencyKey, partition, params } = parsed.data;
  const keyHash = createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32);
  // Only a verified request asks for the runs port (which may be away: 503).
  const run = await (await deps.runs()).triggerRun({
    workspaceId: request.workspaceId,
    notebook: request.slug,
    trigger: "sensor",
    jobKey: `sensor:${id}:${keyHash}`,
    ...(partition === undefined ? {} : { partition }),
    ...(params === undefined ? {} : { params }),
  });
  return { runId: run.runId, created: run.created };
}
