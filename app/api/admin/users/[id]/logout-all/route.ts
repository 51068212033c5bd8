import { revokeAllSessionsOf } from "@/lib/admin";
import { EmptyBodySchema } from "@/lib/auth/schemas";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { ADMIN_PATH, withNotice } from "@/lib/routes";

export const POST = route({ auth: "admin", body: EmptyBodySchema, form: ADMIN_PATH, ids: { id: "user-not-found" } }, async ({ current, ids, meta }) => {
  const result = await revokeAllSessionsOf(ids.id, { id: current.user.id, meta });
  return result.ok ? done(withNotice(ADMIN_PATH, "user-sessions-revoked")) : result;
});
