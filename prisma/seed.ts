import { hashPassword } from "@/lib/auth/password";
import { requireEnv } from "@/lib/env";
import { createUser } from "@/lib/users";

// Demo users for the embedded development database only. The passwords are public (they are in
// the README), so seeding them anywhere else would publish a way in.

export const DEMO_USERS = [
  { email: "demo@cloakroom.test", password: "demo-password-123", name: "Demo User", role: "USER" },
  { email: "admin@cloakroom.test", password: "admin-password-123", name: "Demo Admin", role: "ADMIN" },
] as const;

async function main() {
  const env = requireEnv();
  if (process.env.CLOAKROOM_EMBEDDED_DB !== "1" || env.isProduction) {
    console.error("Seeding refused: demo users go into the embedded development database only.");
    process.exit(1);
  }
  const created: string[] = [];
  for (const { password, ...user } of DEMO_USERS) {
    const result = await createUser({ ...user, passwordHash: await hashPassword(password, env.bcryptCost), emailVerifiedAt: new Date() });
    if (result.ok) created.push(`  ${user.role === "ADMIN" ? "admin" : "user "}  ${user.email}  /  ${password}`);
  }
  if (created.length > 0) console.log(`\nDemo users created (embedded database only):\n${created.join("\n")}\n`);
}

await main();
process.exit(0);
