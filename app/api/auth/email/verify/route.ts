import { verifyEmail } from "@/lib/account/verification";
import { TokenBodySchema } from "@/lib/auth/schemas";
import { ok } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { withNotice } from "@/lib/routes";

// The link is the credential: signed in or out (SPEC §7). The page at /verify-email posts here.
export const POST = route({ auth: "anyone", body: TokenBodySchema, form: "/verify-email" }, async ({ body, meta }) => {
  const result = await verifyEmail(body.token, meta);
  return result.ok ? ok({ user: result.user }, withNotice("/verify-email", "email-verified")) : result;
});
