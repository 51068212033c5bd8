import { createAccount, parseCreateArgs, UsageError } from "@/lib/cli/user-accounts";
import { requireEnv } from "@/lib/env";
import { readPassword } from "./read-password";

// `npm run user:create -- --email you@example.com [--name "You"] [--admin]`; the password is
// asked for on a terminal, or read from standard input (`… < file`, a pipe), never from argv.

// Before the password prompt: a bad configuration is said at once, not after typing a password.
requireEnv();
try {
  const args = parseCreateArgs(process.argv.slice(2));
  const password = await readPassword("Password: ");
  const result = await createAccount({ ...args, password });
  console[result.ok ? "log" : "error"](result.message);
  process.exit(result.ok ? 0 : 1);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\nusage: npm run user:create -- --email you@example.com [--name "Your Name"] [--admin]`);
  process.exit(2);
}
