// Who may do what. Roles are ordered (viewer < editor < owner) and every action
// names the least role that may perform it; the matrix test asserts every cell.
import type { Role } from "../catalog/generated/enums";

export type { Role };

export const ROLES = ["viewer", "editor", "owner"] as const satisfies readonly Role[];

export const ACTIONS = [
  "read",
  "edit_notebook",
  "run",
  "create_share_link",
  "revoke_share_link",
  "manage_secrets",
  "manage_members",
  "manage_own_api_tokens",
  "revoke_any_api_token",
  "comment_review",
  "propose_review",
  "approve_review",
  "promote_review",
  "manage_review_policy",
] as const;
export type Action = (typeof ACTIONS)[number];

function rank(role: Role): number {
  switch (role) {
    case "viewer":
      return 0;
    case "editor":
      return 1;
    case "owner":
      return 2;
    default: {
      const unreachable: never = role;
      throw new Error(`unknown role ${String(unreachable)}`);
    }
  }
}

/** The least role an action needs. */
export function requiredRole(action: Action): Role {
  switch (action) {
    case "read":
    case "manage_own_api_tokens":
    case "comment_review":
      return "viewer";
    case "edit_notebook":
    case "run":
    case "create_share_link":
    case "revoke_share_link":
    case "propose_review":
    case "approve_review":
    case "promote_review":
      return "editor";
    case "manage_secrets":
    case "manage_members":
    case "revoke_any_api_token":
    case "manage_review_policy":
      return "owner";
    default: {
      const unreachable: never = action;
      throw new Error(`unknown action ${String(unreachable)}`);
    }
  }
}

export function roleAtLeast(role: Role, least: Role): boolean {
  return rank(role) >= rank(least);
}

export function can(role: Role, action: Action): boolean {
  return roleAtLeast(role, requiredRole(action));
}

export function isRole(value: unknown): value is Role {
  return value === "viewer" || value === "editor" || value === "owner";
}
