import { EmptyBodySchema } from "@/lib/auth/schemas";
import { resetTwoFactorByAdmin } from "@/lib/auth/two-factor";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { LOGIN_PATH, withNotice } from "@/lib/routes";

// SPEC §8: an admin turns a user's two-factor off (a lost device); that user's sessions end.
export const POST = route(
  { auth: "admin", body: EmptyBodySchema, form: "/admin", ids: { id: "user-not-found" } },
  async ({ current, ids, meta }) => {
    const result = await resetTwoFactorByAdmin(ids.id, { id: current.user.id, meta });
    if (!result.ok) return result;
    // An admin who reset their own two-factor has just ended their own session too.
    const self = ids.id === current.user.id && result.removed;
    return done(self ? LOGIN_PATH : withNotice(`/admin/users/${ids.id}`, "two-factor-disabled"));
  },
);
