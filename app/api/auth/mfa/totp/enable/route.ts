import { MfaCodeBodySchema } from "@/lib/auth/schemas";
import { enableTotp } from "@/lib/auth/two-factor";
import { recoveryCodesIssued } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { TWO_FACTOR_SETTINGS_PATH } from "@/lib/routes";
import { sealRecoveryCodesFlash } from "@/lib/two-factor/cookies";

export const POST = route(
  { auth: "user", body: MfaCodeBodySchema, form: TWO_FACTOR_SETTINGS_PATH },
  async ({ current, body, meta }) => {
    const result = await enableTotp(current, body.code, meta);
    if (!result.ok) return result;
    return recoveryCodesIssued(result.recoveryCodes, await sealRecoveryCodesFlash(current.user.id, result.recoveryCodes));
  },
);
