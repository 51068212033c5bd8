import { MfaVerifyBodySchema } from "@/lib/auth/schemas";
import { verifyChallenge } from "@/lib/auth/two-factor";
import { signedIn } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { MFA_VERIFY_PATH } from "@/lib/routes";
import { readChallengeCookie } from "@/lib/two-factor/cookies";

// SPEC §8: the second step of a login. Works signed out (PUBLIC_API_PREFIXES); the pending
// challenge cookie is what it needs, and it is cleared on success.
export const POST = route(
  // `method=recovery`: a refused recovery code goes back to the recovery form, not the app-code one.
  { auth: "anyone", body: MfaVerifyBodySchema, form: { path: MFA_VERIFY_PATH, keepNext: true, keepMethod: ["recovery"] } },
  async ({ request, body, meta, sessionCookie, next }) => {
    const result = await verifyChallenge(readChallengeCookie(request.cookies), body, meta, sessionCookie);
    if (!result.ok) return result;
    return { ...signedIn(result, body.next ?? next ?? result.next), challenge: "clear" };
  },
);
