import { login } from "@/lib/auth/accounts";
import { LoginBodySchema } from "@/lib/auth/schemas";
import { challengeIssued, signedIn } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { LOGIN_PATH } from "@/lib/routes";

export const POST = route(
  { auth: "anyone", body: LoginBodySchema, form: { path: LOGIN_PATH, keepNext: true } },
  async ({ body, meta, sessionCookie, next, origin }) => {
    // Whatever session this browser held is ended: a login never promotes a planted cookie.
    const result = await login(body, meta, sessionCookie, origin, next);
    if (!result.ok) return result;
    // Two-factor on: no session yet, only the pending challenge (SPEC §8).
    return "mfaRequired" in result ? challengeIssued(result.challengeToken, body.next ?? next) : signedIn(result, body.next ?? next);
  },
);
