import { resetPassword } from "@/lib/account/password-reset";
import { passwordPolicy } from "@/lib/auth/password-policy";
import { passwordResetBodySchema } from "@/lib/auth/schemas";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { LOGIN_PATH, withNotice } from "@/lib/routes";

// Ends every session and creates none: the user signs in again with the new password (SPEC §7).
export const POST = route(
  { auth: "anyone", body: () => passwordResetBodySchema(passwordPolicy()), form: { path: "/reset-password", keepToken: true } },
  async ({ body, meta }) => {
    const result = await resetPassword(body, meta);
    return result.ok ? done(withNotice(LOGIN_PATH, "password-reset")) : result;
  },
);
