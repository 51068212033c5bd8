import { confirmEmailChange } from "@/lib/account/email-change";
import { TokenBodySchema } from "@/lib/auth/schemas";
import { ok, signedIn } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { LOGIN_PATH, withNotice } from "@/lib/routes";

// The link works signed in or out; a signed-in owner keeps this device with a fresh session.
export const POST = route({ auth: "optional", body: TokenBodySchema, form: "/confirm-email" }, async ({ current, body, meta }) => {
  const result = await confirmEmailChange(body.token, current, meta);
  if (!result.ok) return result;
  const { user, newSession } = result;
  return newSession ? signedIn({ user, newSession }, withNotice("/settings/email", "email-changed")) : ok({ user }, withNotice(LOGIN_PATH, "email-changed"));
});
