// The one gate in front of every page (Next.js runs it before routing, in this Node.js
// process): a visitor without a valid session of a member is sent to sign in, whatever the
// page, including client-side navigations (their RSC requests come through here too,
// where a layout's check would not re-run). Only sign-in, setup, share links and static
// files are open (lib/auth/page-access.ts). API routes pass: app/_lib/route.ts answers
// them with a JSON 401. Pages still check roles themselves (requireMember).
//
// It also drops a client's own X-Forwarded-For unless the operator says a proxy in front
// writes it (ASSETBOOK_TRUSTED_PROXIES): Next.js then fills in the socket's address, which
// the sign-in limits read (lib/auth/client-address.ts). And it tells the layout's shell
// which page it wraps (app/_lib/shell-path.ts).
import { NextResponse, type NextRequest } from "next/server";
import { pageAccess, signInPath, withoutUntrustedForwarding } from "@/lib/auth";
import { principalOf, trustedProxies } from "@/app/_lib/session";
import { SHELL_PATH_HEADER } from "@/app/_lib/shell-path";

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const pass = () => {
    const forwarded = withoutUntrustedForwarding(request.headers, trustedProxies());
    forwarded.set(SHELL_PATH_HEADER, request.nextUrl.pathname);
    return NextResponse.next({ request: { headers: forwarded } });
  };
  const access = pageAccess(request.nextUrl.pathname);
  switch (access) {
    case "public":
    case "api":
      return pass();
    case "member": {
      // Checked for real (the session in the catalog, the membership), not just "a cookie is there".
      if ((await principalOf(request.headers)) !== null) return pass();
      const { pathname, search } = request.nextUrl;
      return NextResponse.redirect(new URL(signInPath(`${pathname}${search}`), request.url));
    }
    default: {
      const unreachable: never = access;
      throw new Error(`unknown page access ${String(unreachable)}`);
    }
  }
}

export const config = {
  // Next's build output is static and the same for everyone: no need to look at it.
  matcher: ["/((?!_next/static/).*)"],
};
