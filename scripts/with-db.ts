import { existsSync } from "node:fs";
import path from "node:path";
import { runningEmbeddedUrl, startDevelopmentDatabase, startEmbeddedPostgres } from "@/lib/dev/embedded-postgres";
import { ROOT, bin, run } from "./run";

// `npm run db:*`: runs a command against DATABASE_URL, or, when it is unset, against the
// embedded development database (the one `npm run dev` is serving, or a fresh start of it).
// `prisma migrate dev` also gets the throwaway shadow database it needs: PGlite serves a single
// database, so Prisma cannot create a temporary one next to it.

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: tsx scripts/with-db.ts <command> [args…]");
  process.exit(2);
}

if (existsSync(path.join(ROOT, ".env"))) process.loadEnvFile(path.join(ROOT, ".env"));

async function main(): Promise<number> {
  const executable = existsSync(bin(command!)) ? bin(command!) : command!;
  if (process.env.DATABASE_URL) return run(executable, args);

  const cleanups: Array<() => Promise<void>> = [];
  try {
    let url = runningEmbeddedUrl(ROOT);
    if (!url) {
      const db = await startDevelopmentDatabase(ROOT);
      cleanups.push(db.stop);
      url = db.url;
    }
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, CLOAKROOM_EMBEDDED_DB: "1" };
    if (command === "prisma" && args[0] === "migrate" && args[1] === "dev") {
      const shadow = await startEmbeddedPostgres();
      cleanups.push(shadow.stop);
      env.SHADOW_DATABASE_URL = shadow.url;
    }
    return await run(executable, args, env);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

process.exit(await main());
