import { changeRole } from "@/lib/admin";
import { RoleChangeBodySchema } from "@/lib/auth/schemas";
import { ok } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { ADMIN_PATH, LOGIN_PATH, withNotice } from "@/lib/routes";

export const POST = route(
  { auth: "admin", body: RoleChangeBodySchema, form: ADMIN_PATH, ids: { id: "user-not-found" } },
  async ({ current, body, ids, meta }) => {
    const result = await changeRole(ids.id, body.role, { id: current.user.id, meta });
    if (!result.ok) return result;
    // An admin who demoted themselves has just ended their own session too.
    const self = result.user.id === current.user.id;
    return ok({ user: result.user }, self ? LOGIN_PATH : withNotice(ADMIN_PATH, "role-changed"));
  },
);
