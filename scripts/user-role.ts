import { parseRoleArgs, setRole, UsageError } from "@/lib/cli/user-accounts";
import { requireEnv } from "@/lib/env";

// `npm run user:role -- --email you@example.com --role admin` (or `--role user`).
requireEnv();

try {
  const result = await setRole(parseRoleArgs(process.argv.slice(2)));
  console[result.ok ? "log" : "error"](result.message);
  process.exit(result.ok ? 0 : 1);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\nusage: npm run user:role -- --email you@example.com --role admin|user`);
  process.exit(2);
}
