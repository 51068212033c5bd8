import { requestEmailChange } from "@/lib/account/email-change";
import { EmailChangeBodySchema } from "@/lib/auth/schemas";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { withNotice } from "@/lib/routes";

export const POST = route(
  { auth: "user", body: EmailChangeBodySchema, form: "/settings/email" },
  async ({ current, body, meta, origin }) => {
    const result = await requestEmailChange(current, body, origin, meta);
    return result.ok ? done(withNotice("/settings/email", "email-change-sent")) : result;
  },
);
