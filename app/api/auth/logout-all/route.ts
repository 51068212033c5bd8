import { LogoutAllBodySchema } from "@/lib/auth/schemas";
import { logoutEverywhere } from "@/lib/auth/sessions";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { LOGIN_PATH, withNotice } from "@/lib/routes";

export const POST = route(
  { auth: "user", body: LogoutAllBodySchema, form: "/settings/sessions" },
  async ({ current, body, meta }) => {
    const result = await logoutEverywhere(current, { keepCurrent: body.keepCurrent, meta });
    if (!result.ok) return result;
    // "Everywhere else" gives this device a brand-new session; "everywhere" signs it out too.
    return result.newSession ? done(withNotice("/settings/sessions", "others-revoked"), result.newSession) : done(LOGIN_PATH, "clear");
  },
);
