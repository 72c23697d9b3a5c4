// Signed requests, both ways: alert webhooks we send and sensor webhooks we receive.
// HMAC-SHA256 under a shared secret of `<timestamp>.<body>`, where timestamp is the
// `X-Assetbook-Timestamp` header (Unix seconds) and body the request's bytes; sent as
// `X-Assetbook-Signature: v1=<hex>`. A receiver compares in constant time and refuses a
// timestamp more than 5 minutes from its clock (a replayed request).
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-assetbook-signature";
export const TIMESTAMP_HEADER = "x-assetbook-timestamp";
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `v1=<hex>`: HMAC-SHA256 of `<timestamp>.<body>` under the secret. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** True when the signature is the secret's and the timestamp is recent. */
export function verifySignature(secret: string, header: { signature: string; timestamp: string }, body: string, now: Date): boolean {
  const timestamp = Number(header.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body));
  const given = Buffer.from(header.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
