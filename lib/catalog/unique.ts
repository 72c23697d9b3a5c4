// Prisma's upsert is a read then a write, so two concurrent upserts of one new
// key can both try to insert; the loser gets P2002. Run it again: the row exists now.
import { Prisma } from "./generated/client";

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function retryOnUniqueViolation<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return fn();
  }
}
