import { MfaCodeBodySchema } from "@/lib/auth/schemas";
import { regenerateRecoveryCodes } from "@/lib/auth/two-factor";
import { recoveryCodesIssued } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { TWO_FACTOR_SETTINGS_PATH } from "@/lib/routes";

// SPEC §8: a new set for a current authenticator code; the old set dies, every other session ends.
export const POST = route({ auth: "user", body: MfaCodeBodySchema, form: TWO_FACTOR_SETTINGS_PATH }, async ({ current, body, meta }) => {
  const result = await regenerateRecoveryCodes(current, body.code, meta);
  return result.ok ? recoveryCodesIssued(current.user.id, result) : result;
});
