// Identities of the lifecycle: a version, a plan. A SHA-256 of canonical JSON (object keys
// sorted at every level), so the same content gives the same id on every host.
import { createHash } from "node:crypto";
import { canonicalJson } from "../extract/normalize/hash";

export { canonicalJson };

/** A 16-hex-digit id of a value's canonical JSON (64 bits: ample for one warehouse's versions). */
export function fingerprint(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 16);
}
