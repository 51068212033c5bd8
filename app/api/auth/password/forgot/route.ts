import { requestPasswordReset } from "@/lib/account/password-reset";
import { ForgotPasswordBodySchema } from "@/lib/auth/schemas";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { withNotice } from "@/lib/routes";

// One answer whether or not the address has an account (SPEC §7).
export const POST = route({ auth: "anyone", body: ForgotPasswordBodySchema, form: "/forgot-password" }, async ({ body, meta, origin }) => {
  const result = await requestPasswordReset(body.email, origin, meta);
  return result.ok ? done(withNotice("/forgot-password", "reset-sent")) : result;
});
