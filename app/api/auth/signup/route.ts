import { signup } from "@/lib/auth/accounts";
import { passwordPolicy } from "@/lib/auth/password-policy";
import { signupBodySchema } from "@/lib/auth/schemas";
import { endPendingChallenge } from "@/lib/auth/two-factor";
import { signedIn } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { LOGIN_PATH, withNotice } from "@/lib/routes";
import { readChallengeCookie } from "@/lib/two-factor/cookies";

export const POST = route(
  { auth: "anyone", body: () => signupBodySchema(passwordPolicy()), form: { path: "/signup", keepNext: true } },
  async ({ request, body, meta, next, origin }) => {
    const result = await signup(body, meta, origin);
    if (!result.ok) return result;
    // REQUIRE_EMAIL_VERIFICATION: the account exists, the session waits for the mailed link.
    if (!result.newSession) return { ok: true, status: 201, body: { user: result.user }, redirectTo: withNotice(LOGIN_PATH, "verify-to-sign-in") };
    // Signed in: a two-factor login this browser left half-way is over (SPEC §8).
    const pending = readChallengeCookie(request.cookies);
    await endPendingChallenge(pending);
    return { ...signedIn({ user: result.user, newSession: result.newSession }, body.next ?? next, 201), ...(pending ? { challenge: "clear" } : {}) };
  },
);
