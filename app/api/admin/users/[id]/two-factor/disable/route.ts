import { EmptyBodySchema } from "@/lib/auth/schemas";
import { resetTwoFactorByAdmin } from "@/lib/auth/two-factor";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { ADMIN_PATH, withNotice } from "@/lib/routes";

// SPEC §8: an admin turns a user's two-factor off (a lost device); that user's sessions end.
// Not the admin's own (403), and not an account without it (400).
export const POST = route({ auth: "admin", body: EmptyBodySchema, form: ADMIN_PATH, ids: { id: "user-not-found" } }, async ({ current, ids, meta }) => {
  const result = await resetTwoFactorByAdmin(ids.id, { id: current.user.id, meta });
  return result.ok ? done(withNotice(`/admin/users/${ids.id}`, "two-factor-disabled")) : result;
});
