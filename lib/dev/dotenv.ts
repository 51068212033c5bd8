import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * First run of `npm run dev`: copies .env.example to .env with a fresh SESSION_SECRET (256 bits),
 * readable by the owner only. Never touches an existing .env. Returns whether it wrote one.
 */
export function ensureDotEnv(root: string): boolean {
  const envFile = path.join(root, ".env");
  if (existsSync(envFile)) return false;
  const secret = randomBytes(32).toString("base64url");
  const example = readFileSync(path.join(root, ".env.example"), "utf8");
  writeFileSync(envFile, example.replace(/^SESSION_SECRET=.*$/m, `SESSION_SECRET=${secret}`), { mode: 0o600 });
  return true;
}
