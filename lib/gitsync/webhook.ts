// A push webhook's signature, as GitHub (and Gitea, Forgejo) sign it: `X-Hub-Signature-256:
// sha256=<hex HMAC-SHA256 of the raw body>` with the shared secret. Compared in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-hub-signature-256";

export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export function verifyWebhook(secret: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, body), "utf8");
  const given = Buffer.from(signature.trim(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
