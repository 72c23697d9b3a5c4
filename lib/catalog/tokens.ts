// Bearer secrets the catalog hands out once and then knows only by hash: share links and
// API tokens. 32 bytes from the CSPRNG, base64url; the database keeps the sha256 (hex).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN_BYTES = 32;
/** What newToken() returns (after any prefix): base64url of 32 bytes, no padding. */
export const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;

export function newToken(prefix = ""): string {
  return prefix + randomBytes(TOKEN_BYTES).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Compares two hex hashes in constant time (a row found by hash is checked once more). */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
