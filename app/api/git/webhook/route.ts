// POST: a push to the repository production follows (ASSETBOOK_GIT_REMOTE): with a valid
// signature (ASSETBOOK_GIT_WEBHOOK_SECRET, GitHub's X-Hub-Signature-256), asks the workers
// for a branch sync now instead of at the next poll. No session and no CSRF check: the signature
// is the credential, and the request carries no cookie a cross-site page could ride on.
import { requestBranchSync } from "@/lib/gitsync/job";
import { SIGNATURE_HEADER, verifyWebhook } from "@/lib/gitsync/webhook";
import { appConfig } from "@/app/_lib/config";
import { reviewQueue } from "@/app/_lib/review-data";
import { route, RouteError } from "@/app/_lib/route";

export const runtime = "nodejs";

const MAX_BODY = 1_000_000;

export const POST = route({ role: "signed" }, async ({ request }) => {
  const signature = request.headers.get(SIGNATURE_HEADER);
  if (signature === null) throw new RouteError(400, `the ${SIGNATURE_HEADER} header is missing: sign the webhook with ASSETBOOK_GIT_WEBHOOK_SECRET`);
  const git = appConfig().git;
  if (git === null || git.webhookSecret === null) throw new RouteError(404, "production does not follow a branch here, or no webhook secret is set (ASSETBOOK_GIT_WEBHOOK_SECRET)");
  const body = await request.text();
  if (body.length > MAX_BODY) throw new RouteError(413, "the webhook's body is too large");
  if (!verifyWebhook(git.webhookSecret, body, signature)) throw new RouteError(401, "the webhook's signature does not match");
  // Pushes a few seconds apart ask for one sync.
  await requestBranchSync(await reviewQueue(), new Date(), 5_000, "webhook");
  return Response.json({ ok: true }, { status: 202 });
});
