// AES-256-GCM for workspace secrets. The key comes from ASSETBOOK_SECRET_KEY
// (32 bytes, as 64 hex digits or base64); it is never stored in the database.
// The workspace and the secret's name are bound in as associated data, so a
// ciphertext copied to another row does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { z } from "zod";

const KEY_BYTES = 32;
const IV_BYTES = 12;

export const secretKeySchema = z
  .string({ error: "ASSETBOOK_SECRET_KEY is not set (32 random bytes, e.g. `openssl rand -base64 32`)" })
  .trim()
  .transform((text, ctx) => {
    const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, "base64") : null;
    if (bytes === null || bytes.length !== KEY_BYTES) {
      ctx.addIssue({ code: "custom", message: "ASSETBOOK_SECRET_KEY must be 32 bytes, as 64 hex digits or base64" });
      return z.NEVER;
    }
    return bytes;
  });

/** The secret key from the environment; throws a readable error when absent or malformed. */
export function parseSecretKey(env: Record<string, string | undefined>): Buffer {
  return secretKeySchema.parse(env.ASSETBOOK_SECRET_KEY);
}

export interface Sealed {
  ciphertext: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  tag: Uint8Array<ArrayBuffer>;
}

export class SecretDecryptionError extends Error {
  override name = "SecretDecryptionError";
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

export function seal(key: Buffer, plaintext: string, associatedData: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext: copy(ciphertext), iv: copy(iv), tag: copy(cipher.getAuthTag()) };
}

export function open(key: Buffer, sealed: Sealed, associatedData: string): string {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv);
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new SecretDecryptionError("a secret could not be decrypted: wrong ASSETBOOK_SECRET_KEY, or the row was tampered with", { cause: error });
  }
}
