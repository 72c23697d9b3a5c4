import { describe, expect, it } from "vitest";
import { ACTIONS, can, requiredRole, ROLES, type Action, type Role } from "./roles";

// Every cell of the role × action matrix, written out by hand.
const MATRIX: Record<Role, Record<Action, boolean>> = {
  viewer: {
    read: true,
    edit_notebook: false,
    run: false,
    create_share_link: false,
    revoke_share_link: false,
    manage_secrets: false,
    manage_members: false,
    manage_own_api_tokens: true,
    revoke_any_api_token: false,
    comment_review: true,
    propose_review: false,
    approve_review: false,
    promote_review: false,
    manage_review_policy: false,
  },
  editor: {
    read: true,
    edit_notebook: true,
    run: true,
    create_share_link: true,
    revoke_share_link: true,
    manage_secrets: false,
    manage_members: false,
    manage_own_api_tokens: true,
    revoke_any_api_token: false,
    comment_review: true,
    propose_review: true,
    approve_review: true,
    promote_review: true,
    manage_review_policy: false,
  },
  owner: {
    read: true,
    edit_notebook: true,
    run: true,
    create_share_link: true,
    revoke_share_link: true,
    manage_secrets: true,
    manage_members: true,
    manage_own_api_tokens: true,
    revoke_any_api_token: true,
    comment_review: true,
    propose_review: true,
    approve_review: true,
    promote_review: true,
    manage_review_policy: true,
  },
};

describe("role × action matrix", () => {
  for (const role of ROLES) {
    for (const action of ACTIONS) {
      it(`${role} ${MATRIX[role][action] ? "may" : "may not"} ${action}`, () => {
        expect(can(role, action)).toBe(MATRIX[role][action]);
      });
    }
  }

  it("covers every role and action", () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(Object.keys(MATRIX[role]).sort()).toEqual([...ACTIONS].sort());
  });

  it("names the least role per action", () => {
    expect(requiredRole("manage_members")).toBe("owner");
    expect(requiredRole("run")).toBe("editor");
    expect(requiredRole("read")).toBe("viewer");
  });
});
