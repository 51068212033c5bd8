import { signup } from "@/lib/auth/accounts";
import { passwordPolicy } from "@/lib/auth/password-policy";
import { signupBodySchema } from "@/lib/auth/schemas";
import { signedIn } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { LOGIN_PATH, withNotice } from "@/lib/routes";

export const POST = route(
  { auth: "anyone", body: () => signupBodySchema(passwordPolicy()), form: { path: "/signup", keepNext: true } },
  async ({ body, meta, next, origin }) => {
    const result = await signup(body, meta, origin);
    if (!result.ok) return result;
    // REQUIRE_EMAIL_VERIFICATION: the account exists, the session waits for the mailed link.
    if (!result.newSession) return { ok: true, status: 201, body: { user: result.user }, redirectTo: withNotice(LOGIN_PATH, "verify-to-sign-in") };
    return signedIn({ user: result.user, newSession: result.newSession }, body.next ?? next, 201);
  },
);
