// The workspace owner the e2e run creates through first-run setup (catalog.spec.ts) and
// every other spec signs in as (sign-in.setup.ts saves the session to OWNER_STATE).
export const OWNER = { email: "owner@example.com", name: "Olive Owner", password: "correct horse battery staple" };
export const OWNER_STATE = "data/e2e/owner-state.json";
