import { existsSync } from "node:fs";
import path from "node:path";
import { ensureDotEnv } from "@/lib/dev/dotenv";
import { startDevelopmentDatabase } from "@/lib/dev/embedded-postgres";
import { migrateDeploy } from "@/lib/dev/migrations";
import { nextDevArgs } from "@/lib/dev/next-dev-args";
import { requireEnv } from "@/lib/env";
import { ROOT, bin, run } from "./run";

// `npm run dev`: the whole development stack from a fresh clone. Writes .env on first run,
// checks the configuration, starts the embedded database when DATABASE_URL is unset (seeded),
// applies pending migrations to whichever database it is, runs `next dev`, and stops the
// embedded database when next exits or Ctrl-C is pressed.

// The embedded database's URL exists only once it runs; everything else is checked before that.
const EMBEDDED_PLACEHOLDER_URL = "postgresql://embedded@127.0.0.1/postgres";

async function migrate(databaseUrl: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { code } = await migrateDeploy(ROOT, databaseUrl, env);
  if (code !== 0) console.error(`prisma migrate deploy failed (exit ${code}); next dev was not started. Its output above says why.`);
  return code === 0;
}

async function main(): Promise<number> {
  // A SESSION_SECRET from the shell needs no .env (and a run with one writes nothing here).
  if (!process.env.SESSION_SECRET && ensureDotEnv(ROOT)) console.log("Created .env from .env.example with a freshly generated SESSION_SECRET.");
  if (existsSync(path.join(ROOT, ".env"))) process.loadEnvFile(path.join(ROOT, ".env"));
  const databaseUrl = process.env.DATABASE_URL;
  // Before anything starts: one line per bad variable, no stack trace, exit 1 (issue 12).
  requireEnv({ ...process.env, DATABASE_URL: databaseUrl || EMBEDDED_PLACEHOLDER_URL });
  const devArgs = nextDevArgs(process.argv.slice(2));
  // The command line, so whoever runs it (and a test) sees the host it binds to.
  const nextDev = (env?: NodeJS.ProcessEnv) => {
    console.log(`Running: next ${devArgs.join(" ")}`);
    return run(bin("next"), devArgs, env);
  };

  if (databaseUrl) {
    console.log("Using DATABASE_URL from the environment (no embedded database); applying pending migrations …");
    if (!(await migrate(databaseUrl, process.env))) return 1;
    return nextDev();
  }

  console.log("DATABASE_URL is unset: starting the embedded PostgreSQL (PGlite) under .data/ …");
  const db = await startDevelopmentDatabase(ROOT);
  try {
    const env = { ...process.env, DATABASE_URL: db.url, CLOAKROOM_EMBEDDED_DB: "1" };
    if (!(await migrate(db.url, env))) return 1;
    const seeded = await run(bin("tsx"), ["prisma/seed.ts"], env);
    if (seeded !== 0) return seeded;
    return await nextDev(env);
  } finally {
    await db.stop();
  }
}

process.exit(await main());
