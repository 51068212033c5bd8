import { MfaCodeBodySchema } from "@/lib/auth/schemas";
import { enableTotp } from "@/lib/auth/two-factor";
import { recoveryCodesIssued } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { TWO_FACTOR_SETTINGS_PATH } from "@/lib/routes";

// SPEC §8: confirms the setup; the codes are shown once, every other session ends, this one is renewed.
export const POST = route({ auth: "user", body: MfaCodeBodySchema, form: TWO_FACTOR_SETTINGS_PATH }, async ({ current, body, meta }) => {
  const result = await enableTotp(current, body.code, meta);
  return result.ok ? recoveryCodesIssued(current.user.id, result) : result;
});
