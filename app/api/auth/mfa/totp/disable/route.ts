import { MfaDisableBodySchema } from "@/lib/auth/schemas";
import { disableTotp } from "@/lib/auth/two-factor";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { TWO_FACTOR_SETTINGS_PATH, withNotice } from "@/lib/routes";

// SPEC §8: password and a code (or a recovery code); every other session ends, this one is rotated.
export const POST = route(
  { auth: "user", body: MfaDisableBodySchema, form: TWO_FACTOR_SETTINGS_PATH },
  async ({ current, body, meta }) => {
    const result = await disableTotp(current, body, meta);
    return result.ok ? done(withNotice(TWO_FACTOR_SETTINGS_PATH, "two-factor-disabled"), result.newSession) : result;
  },
);
