import { resendVerification } from "@/lib/account/verification";
import { EmptyBodySchema } from "@/lib/auth/schemas";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { HOME_PATH, withNotice } from "@/lib/routes";

export const POST = route({ auth: "user", body: EmptyBodySchema, form: HOME_PATH }, async ({ current, meta, origin }) => {
  const result = await resendVerification(current.user, origin, meta);
  return result.ok ? done(withNotice(HOME_PATH, "verification-sent")) : result;
});
