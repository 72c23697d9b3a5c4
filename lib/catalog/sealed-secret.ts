// A secret the server makes itself and keeps sealed in one catalog row (the alert signing
// secret, a notebook's sensor secret): made on first use, readable on the server, rotatable.
import { randomBytes } from "node:crypto";
import { open, seal, type Sealed } from "./secret-box";
import { isUniqueViolation } from "./unique";

/** Where one sealed secret lives: its row, read, created (a unique violation when another made it first) or replaced. */
export interface SealedRow {
  read(): Promise<Sealed | null>;
  create(sealed: Sealed): Promise<void>;
  replace(sealed: Sealed): Promise<void>;
}

/** `whsec_` and 24 random bytes, base64url. */
const newSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;

/** The secret, made and sealed on first use; two first uses at once agree on the one stored first. */
export async function sealedSecret(key: Buffer, aad: string, row: SealedRow): Promise<string> {
  const stored = await row.read();
  if (stored !== null) return open(key, stored, aad);
  const secret = newSecret();
  try {
    await row.create(seal(key, secret, aad));
    return secret;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return sealedSecret(key, aad, row);
  }
}

/** A new secret in place of the old one. */
export async function rotateSealedSecret(key: Buffer, aad: string, row: SealedRow): Promise<string> {
  const secret = newSecret();
  await row.replace(seal(key, secret, aad));
  return secret;
}
