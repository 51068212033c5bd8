import { changePassword } from "@/lib/auth/accounts";
import { passwordPolicy } from "@/lib/auth/password-policy";
import { passwordChangeBodySchema } from "@/lib/auth/schemas";
import { signedIn } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { withNotice } from "@/lib/routes";

export const POST = route(
  { auth: "user", body: () => passwordChangeBodySchema(passwordPolicy()), form: "/settings/password" },
  async ({ current, body, meta }) => {
    const result = await changePassword(current, body, meta);
    return result.ok ? signedIn(result, withNotice("/settings/password", "password-changed")) : result;
  },
);
