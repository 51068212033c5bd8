import { z } from "zod";

// Shared by route handlers, forms and tests (STYLE §5). Pure: no env, no I/O. Messages are
// codes from lib/auth/messages.ts.

/** bcrypt reads only the first 72 bytes of its input; more would be silently ignored. */
export const PASSWORD_MAX_BYTES = 72;

export function utf8Length(value: string): number {
  return new TextEncoder().encode(value).length;
}

// Normalised so that lookups and the unique index agree on one spelling of an address.
export const EmailSchema = z
  .string({ error: "required" })
  .trim()
  .toLowerCase()
  .min(1, "required")
  .max(254, "email-too-long")
  .pipe(z.email({ error: "email-invalid" }));

/**
 * NIST SP 800-63B: length, not composition rules. NFKC first, so the same password typed on
 * different keyboards (composed or decomposed accents, full-width forms) hashes the same.
 */
export type PasswordPolicy = {
  passwordMinLength: number;
  /** Server-side breached/common list check (lib/auth/common-passwords.ts); kept out of here. */
  isCommonPassword?: (password: string) => boolean;
};

export function passwordSchema({ passwordMinLength, isCommonPassword = () => false }: PasswordPolicy) {
  const lengthOk = (value: string) => [...value].length >= passwordMinLength && utf8Length(value) <= PASSWORD_MAX_BYTES;
  return z
    .string({ error: "required" })
    .transform((value) => value.normalize("NFKC"))
    .check(
      z.refine((value) => value.length > 0, "required"),
      z.refine((value) => value.length === 0 || [...value].length >= passwordMinLength, "password-too-short"),
      z.refine((value) => utf8Length(value) <= PASSWORD_MAX_BYTES, "password-too-long"),
      // One message at a time: the list is consulted once the length is right.
      z.refine((value) => !lengthOk(value) || !isCommonPassword(value), "password-common"),
    );
}

const NextFieldSchema = z.string().max(2048).optional();

export function signupBodySchema(policy: PasswordPolicy) {
  return z.object({
    email: EmailSchema,
    password: passwordSchema(policy),
    name: z
      .string()
      .trim()
      .max(100, "name-too-long")
      .optional()
      .transform((name) => name || null),
    next: NextFieldSchema,
  });
}

// Form posts send strings; JSON callers may send a boolean. `absent` is what no value means.
function flagSchema(absent: boolean) {
  return z
    .union([z.boolean(), z.enum(["true", "false", "on"])])
    .optional()
    .transform((value) => (value === undefined ? absent : value === true || value === "true" || value === "on"));
}

export const LoginBodySchema = z.object({
  email: EmailSchema,
  // No policy on login (rules may have changed since signup); only a bound on the work.
  password: z
    .string({ error: "required" })
    .min(1, "required")
    .max(1024, "password-too-long")
    .transform((value) => value.normalize("NFKC")),
  // "Remember me": false gives a browser-session cookie. Absent keeps the persistent cookie API
  // callers always had; the login form always sends a value (a hidden "false" before its
  // checkbox's "true", and the last value of a name wins), so an unticked box means false.
  remember: flagSchema(true),
  next: NextFieldSchema,
});

export function passwordChangeBodySchema(policy: PasswordPolicy) {
  return z.object({
    currentPassword: LoginBodySchema.shape.password,
    newPassword: passwordSchema(policy),
  });
}

export const LogoutAllBodySchema = z.object({ keepCurrent: flagSchema(false) });

/** Session ids (base64url) and user ids (cuid): anything else cannot name one. */
export const PublicIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const RoleChangeBodySchema = z.object({ role: z.enum(["user", "admin"], { error: "invalid-input" }) });

export const EmptyBodySchema = z.object({ next: NextFieldSchema });

export type SignupBody = z.infer<ReturnType<typeof signupBodySchema>>;
export type LoginBody = z.infer<typeof LoginBodySchema>;
export type PasswordChangeBody = z.infer<ReturnType<typeof passwordChangeBodySchema>>;

// A mailed link's token (SPEC §7). Its exact shape is checked where it is used, so that a
// malformed one gets the same answer as an unknown one; this only bounds the input.
const TokenSchema = z.string({ error: "invalid-token" }).trim().min(1, "invalid-token").max(512, "invalid-token");

export const TokenBodySchema = z.object({ token: TokenSchema });

export const ForgotPasswordBodySchema = z.object({ email: EmailSchema });

export function passwordResetBodySchema(policy: PasswordPolicy) {
  return z.object({ token: TokenSchema, newPassword: passwordSchema(policy) });
}

export const EmailChangeBodySchema = z.object({
  newEmail: EmailSchema,
  currentPassword: LoginBodySchema.shape.password,
});

// ——— Two-factor (SPEC §8) ———

// Authenticator apps show "123 456": spaces are dropped before the shape is checked.
const TotpCodeSchema = z
  .string({ error: "required" })
  .transform((value) => value.replace(/\s/g, ""))
  .pipe(z.string().min(1, "required").regex(/^\d{6}$/, "code-format"));

// A TOTP code or a recovery code (disable); its kind is told by its shape in lib/auth/two-factor.ts.
const AnyCodeSchema = z.string({ error: "required" }).trim().min(1, "required").max(64, "code-format");

export const MfaSetupBodySchema = z.object({ currentPassword: LoginBodySchema.shape.password });
export const MfaCodeBodySchema = z.object({ code: TotpCodeSchema });
export const MfaDisableBodySchema = z.object({ currentPassword: LoginBodySchema.shape.password, code: AnyCodeSchema });

// A form sends both fields (one of them empty): an empty field counts as absent.
const emptyIsAbsent = (value: unknown) => (value === "" ? undefined : value);

export const MfaVerifyBodySchema = z
  .object({
    code: z.preprocess(emptyIsAbsent, TotpCodeSchema.optional()),
    recoveryCode: z.preprocess(emptyIsAbsent, z.string().trim().min(1, "required").max(64, "code-format").optional()),
    next: NextFieldSchema,
  })
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), {
    message: "code-or-recovery-code",
    path: ["code"],
  });

export type MfaVerifyBody = z.infer<typeof MfaVerifyBodySchema>;
