// A MemberError (an address already taken, the last owner, no such member) is the caller's
// to fix: the members routes answer it 409 with its message.
import { MemberError } from "@/lib/auth";
import { RouteError } from "./route";

export function memberConflict(error: unknown): never {
  if (error instanceof MemberError) throw new RouteError(409, error.message);
  throw error;
}
