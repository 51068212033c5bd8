import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { z } from "zod";
import { changeRole } from "@/lib/admin";
import { describe } from "@/lib/auth/messages";
import { hashPassword } from "@/lib/auth/password";
import { passwordPolicy } from "@/lib/auth/password-policy";
import { EmailSchema, signupBodySchema } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { createUser, findUserWithHashByEmail } from "@/lib/users";

// `npm run user:create` and `npm run user:role` (issue 12): the way to a first admin on a real
// database, where the demo seed rightly refuses to run. Same validation as signup.

export type CliResult = { ok: true; message: string } | { ok: false; message: string };

const CLI_ACTOR = { id: "cli" };

const CreateArgsSchema = z.object({ email: z.string({ error: "--email is required" }), name: z.string().optional(), admin: z.boolean() });
const RoleArgsSchema = z.object({
  email: z.string({ error: "--email is required" }),
  role: z.enum(["user", "admin"], { error: "--role must be user or admin" }),
});

function parse(argv: string[], options: ParseArgsOptionsConfig) {
  // A password on the command line lands in shell history and `ps`: refused outright.
  if (argv.some((arg) => arg === "--password" || arg.startsWith("--password="))) {
    throw new UsageError("Passwords are never read from the command line: type it when asked, or pipe it on standard input.");
  }
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export class UsageError extends Error {
  override name = "UsageError";
}

export function parseCreateArgs(argv: string[]): z.infer<typeof CreateArgsSchema> {
  const values = parse(argv, { email: { type: "string" }, name: { type: "string" }, admin: { type: "boolean", default: false } });
  const parsed = CreateArgsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

export function parseRoleArgs(argv: string[]): z.infer<typeof RoleArgsSchema> {
  const parsed = RoleArgsSchema.safeParse(parse(argv, { email: { type: "string" }, role: { type: "string" } }));
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

/** Creates an account exactly as signup would validate it; `admin` gives it the admin role. */
export async function createAccount(input: { email: string; name?: string; admin: boolean; password: string }): Promise<CliResult> {
  const env = getEnv();
  const schema = signupBodySchema(passwordPolicy());
  const parsed = schema.safeParse({ email: input.email, name: input.name, password: input.password });
  if (!parsed.success) {
    const fields = z.flattenError(parsed.error).fieldErrors;
    const lines = Object.entries(fields).map(([field, codes]) => `${field}: ${(codes ?? []).map((code) => describe(code, env)).join(" ")}`);
    return { ok: false, message: lines.join("\n") };
  }
  const created = await createUser({
    email: parsed.data.email,
    name: parsed.data.name,
    passwordHash: await hashPassword(parsed.data.password, env.bcryptCost),
    role: input.admin ? "ADMIN" : "USER",
    // The operator running this vouches for the address (REQUIRE_EMAIL_VERIFICATION would lock out a first admin).
    emailVerifiedAt: new Date(),
  });
  if (!created.ok) return { ok: false, message: `${parsed.data.email}: ${describe("email-taken", env)}` };
  return { ok: true, message: `Created ${created.user.role} ${created.user.email}.` };
}

/** Sets a user's role (ending their sessions, keeping at least one admin), as the admin area does. */
export async function setRole(input: { email: string; role: "user" | "admin" }): Promise<CliResult> {
  const env = getEnv();
  const email = EmailSchema.safeParse(input.email);
  const user = email.success ? await findUserWithHashByEmail(email.data) : null;
  if (!user) return { ok: false, message: `${input.email}: ${describe("user-not-found", env)}` };
  const result = await changeRole(user.id, input.role, CLI_ACTOR);
  if (!result.ok) return { ok: false, message: describe(result.reason, env) };
  return { ok: true, message: `${result.user.email} is now ${result.user.role}; their sessions have been ended.` };
}
