import { MfaSetupBodySchema } from "@/lib/auth/schemas";
import { startTotpSetup } from "@/lib/auth/two-factor";
import { ok } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { TWO_FACTOR_SETTINGS_PATH } from "@/lib/routes";

// SPEC §8: password re-entry, then a secret to scan. A form goes back to the settings page, which
// shows the setup in progress.
export const POST = route(
  { auth: "user", body: MfaSetupBodySchema, form: TWO_FACTOR_SETTINGS_PATH },
  async ({ current, body, meta }) => {
    const result = await startTotpSetup(current, body.currentPassword, meta);
    return result.ok ? ok(result.setup, TWO_FACTOR_SETTINGS_PATH) : result;
  },
);
