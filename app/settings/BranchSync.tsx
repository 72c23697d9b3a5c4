// Production follows a branch (ASSETBOOK_GIT_REMOTE): which one, and what became of its
// latest commits (promoted, or why not). The remote is shown without anything secret: a
// credential is refused in it at start, and the token lives in a workspace secret.
import { appConfig } from "@/app/_lib/config";
import { appContext } from "@/app/_lib/server-context";

export async function BranchSync() {
  const git = appConfig().git;
  if (git === null) return null;
  const { db, workspaceId } = await appContext();
  const commits = await db.gitCommit.findMany({ where: { workspaceId }, orderBy: { updatedAt: "desc" }, take: 10 });
  return (
    <section className="card" data-testid="branch-sync">
      <h2>Production follows a branch</h2>
      <p className="muted">
        Branch <code>{git.branch}</code> of <code>{git.remote}</code>, folder <code>{git.folder}</code>: each new commit is built and promoted when every check passes (checked every {Math.round(git.pollMs / 1000)} s
        {git.webhookSecret ? ", and on each signed push to /api/git/webhook" : ""}). Changes reach production only as commits to it.
      </p>
      {commits.length === 0 ? (
        <p className="empty">No commit synced yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Commit</th>
              <th>Status</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {commits.map((commit) => (
              <tr key={commit.id}>
                <td>
                  <code title={commit.sha}>{commit.sha.slice(0, 12)}</code>
                </td>
                <td>
                  <span className="pill" data-run-status={commit.status === "promoted" ? "succeeded" : "failed"}>
                    {commit.status}
                  </span>
                  {commit.reason ? <pre className="run-error">{commit.reason}</pre> : null}
                </td>
                <td className="muted">{commit.updatedAt.toISOString().replace("T", " ").slice(0, 16)} UTC</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
