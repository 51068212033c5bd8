import { isCommonPassword } from "@/lib/auth/common-passwords";
import type { PasswordPolicy } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";

/** SPEC §4's password rules as configured (PASSWORD_MIN_LENGTH), for every schema that sets a password. */
export function passwordPolicy(): PasswordPolicy {
  return { passwordMinLength: getEnv().passwordMinLength, isCommonPassword };
}
