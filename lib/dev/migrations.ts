import { spawn } from "node:child_process";
import path from "node:path";

export type MigrateResult = { code: number; output: string };

/**
 * `prisma migrate deploy` against `databaseUrl`: applies the migrations that database lacks, in
 * order, and nothing else (no reset, no new migration, no prompt), so it is safe on any database,
 * as on Vercel's build. `npm run dev` runs it before `next dev` for the embedded database and for
 * DATABASE_URL alike (issue 12: an unmigrated DATABASE_URL gave 500s). `env` is the rest of the
 * child's environment; "pipe" keeps Prisma's output for the caller instead of printing it.
 */
export function migrateDeploy(
  root: string,
  databaseUrl: string,
  env: NodeJS.ProcessEnv,
  stdio: "inherit" | "pipe" = "inherit",
): Promise<MigrateResult> {
  return new Promise((resolve) => {
    const child = spawn(path.join(root, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
      cwd: root,
      env: { ...env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", stdio, stdio],
      shell: process.platform === "win32",
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.once("error", (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.once("exit", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}
