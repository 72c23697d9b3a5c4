// Sessions, roles, first-run setup and API authorization. Framework-free.
export { ROLES, ACTIONS, can, requiredRole, roleAtLeast, isRole, type Action, type Role } from "./roles";
export { createAuth, type Auth, type AuthOptions } from "./better-auth";
export { authorizeApiRequest, presentsShareToken, BAD_API_TOKEN, type Access, type Decision } from "./authorize";
export {
  createApiToken,
  listApiTokens,
  revokeApiToken,
  verifyApiToken,
  bearerCredential,
  apiTokenNameSchema,
  API_TOKEN_PREFIX,
  type ApiTokenView,
  type ApiTokenListItem,
  type CreateApiTokenInput,
} from "./api-tokens";
export { passesCsrfCheck, isSafeMethod } from "./csrf";
export { principalFromHeaders, type Principal } from "./session";
export { startSetup, completeSetup, isSetupTokenValid, hasOwner, setupLink, SetupError, type CompleteSetupInput } from "./setup";
export { addMember, listMembers, changeMemberRole, removeMember, MemberError, type AddMemberInput, type MemberView } from "./members";
export { createInvite, listInvites, revokeInvite, openInvite, acceptInvite, inviteState, INVITE_REFUSED, INVITE_TTL_MS, type InviteView, type InviteState } from "./invites";
export { signInSchema, newUserSchema, emailSchema, passwordSchema, nameSchema } from "./credentials";
export { keyFromEnvOrFile } from "./key-file";
export { SignInThrottle, ACCOUNT_POLICY, ADDRESS_POLICY, type ThrottlePolicy, type Admission, type SignInAttempt, type SignInThrottleOptions } from "./sign-in-throttle";
export { clientAddress, withoutUntrustedForwarding } from "./client-address";
export { pageAccess, signInPath, type PathAccess } from "./page-access";
