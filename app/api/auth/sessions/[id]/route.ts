import { EmptyBodySchema } from "@/lib/auth/schemas";
import { revokeSession } from "@/lib/auth/sessions";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { LOGIN_PATH, withNotice } from "@/lib/routes";

const revoke = route(
  { auth: "user", body: EmptyBodySchema, form: "/settings/sessions", ids: { id: "session-not-found" } },
  async ({ current, ids, meta, sessionCookie }) => {
    const result = await revokeSession(current, sessionCookie, ids.id, meta);
    if (!result.ok) return result;
    return result.endedCurrent ? done(LOGIN_PATH, "clear") : done(withNotice("/settings/sessions", "session-revoked"));
  },
);

export const DELETE = revoke;
// HTML forms can only POST: the sessions page posts here to revoke without JavaScript.
export const POST = revoke;
