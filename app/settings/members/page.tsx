import { listInvites, listMembers } from "@/lib/auth";
import { requireMember } from "@/app/_lib/page-session";
import { appContext } from "@/app/_lib/server-context";
import { Forbidden, SettingsNav } from "@/app/catalog/_components/Nav";
import { InviteForm, InviteRevoke, MemberControls } from "./MemberControls";
import "@/app/catalog/catalog.css";

export const metadata = { title: "Members · Assetbook" };

const day = (iso: string) => iso.slice(0, 10);

// Owners manage who is in the workspace: invite by a one-time link, change a role, remove.
export default async function MembersPage() {
  const access = await requireMember("owner", "/settings/members");
  if (!access.allowed) return <Forbidden need="owner" />;
  const { db, workspaceId } = await appContext();
  const [members, invites] = await Promise.all([listMembers(db, workspaceId), listInvites(db, workspaceId)]);
  const owners = members.filter((m) => m.role === "owner").length;
  const pending = invites.filter((i) => i.state === "pending");
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Members</h1>
        <SettingsNav principal={access.principal} current="members" />
      </div>
      <section className="card">
        <h2>Invite someone</h2>
        <p className="muted">
          A viewer reads notebooks, the catalog and runs, and comments on reviews. An editor also edits, runs, proposes and approves. An owner also
          manages members, secrets and policies. The link works once and for seven days.
        </p>
        <InviteForm />
      </section>
      <section className="card">
        <h2>Members ({members.length})</h2>
        <table className="table" data-testid="members">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Joined</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.userId} data-member={member.email}>
                <td>
                  {member.name}
                  {member.userId === access.principal.userId ? <span className="muted"> (you)</span> : null}
                </td>
                <td>{member.email}</td>
                <td>{day(member.joinedAt)}</td>
                <MemberControls userId={member.userId} email={member.email} role={member.role} lastOwner={member.role === "owner" && owners === 1} />
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {invites.length > 0 ? (
        <section className="card">
          <h2>Invites ({pending.length} pending)</h2>
          <table className="table" data-testid="invites">
            <thead>
              <tr>
                <th>For</th>
                <th>Role</th>
                <th>Created</th>
                <th>Expires</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {invites.map((invite) => (
                <tr key={invite.id}>
                  <td>{invite.email ?? <span className="muted">anyone with the link</span>}</td>
                  <td>{invite.role}</td>
                  <td>{day(invite.createdAt)}</td>
                  <td>{day(invite.expiresAt)}</td>
                  <td>{invite.state}</td>
                  <td>{invite.state === "pending" ? <InviteRevoke id={invite.id} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
