import { login } from "@/lib/auth/accounts";
import { LoginBodySchema } from "@/lib/auth/schemas";
import { endPendingChallenge } from "@/lib/auth/two-factor";
import { challengeIssued, signedIn } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { LOGIN_PATH } from "@/lib/routes";
import { readChallengeCookie } from "@/lib/two-factor/cookies";

export const POST = route(
  { auth: "anyone", body: LoginBodySchema, form: { path: LOGIN_PATH, keepNext: true } },
  async ({ request, body, meta, sessionCookie, next, origin }) => {
    // Whatever session this browser held is ended: a login never promotes a planted cookie.
    const result = await login(body, meta, sessionCookie, origin, next);
    if (!result.ok) return result;
    // A challenge this browser still held is over: replaced by a new one, or this login finished without it.
    const pending = readChallengeCookie(request.cookies);
    await endPendingChallenge(pending);
    // Two-factor on: no session yet, only the pending challenge (SPEC §8).
    if ("mfaRequired" in result) return challengeIssued(result.challengeToken, body.next ?? next);
    return { ...signedIn(result, body.next ?? next), ...(pending ? { challenge: "clear" } : {}) };
  },
);
