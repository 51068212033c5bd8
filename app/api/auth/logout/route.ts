import { logout } from "@/lib/auth/accounts";
import { EmptyBodySchema } from "@/lib/auth/schemas";
import { endPendingChallenge } from "@/lib/auth/two-factor";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { readChallengeCookie } from "@/lib/two-factor/cookies";

export const POST = route({ auth: "anyone", body: EmptyBodySchema, form: "/" }, async ({ request, meta, sessionCookie }) => {
  // Awaited: the session is over on the server before the browser hears "signed out". So is a
  // two-factor login left half-way in this browser (SPEC §8).
  await logout(sessionCookie, meta);
  const pending = readChallengeCookie(request.cookies);
  await endPendingChallenge(pending);
  return { ...done("/", "clear"), ...(pending ? { challenge: "clear" } : {}) };
});
