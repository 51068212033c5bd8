import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDeploy } from "@/lib/dev/migrations";
import { createTestDatabase, type TestDatabase } from "@/tests/support/database";
import { freePort } from "@/tests/support/server";

// Issue 12 item 4: `npm run dev` on a DATABASE_URL nobody had migrated answered every login and
// signup with an empty 500. It now applies pending migrations to whichever database it uses.

const ROOT = path.resolve(import.meta.dirname, "../../..");
const MIGRATIONS = readdirSync(path.join(ROOT, "prisma/migrations"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;
const SECRET = "dev-migrations-test-secret-dev-migrations";

let databases: TestDatabase[] = [];
afterEach(async () => {
  for (const database of databases) await database.drop();
  databases = [];
});

async function emptyDatabase(label: string): Promise<TestDatabase> {
  const database = await createTestDatabase(label, { migrate: false });
  databases.push(database);
  return database;
}

async function appliedMigrations(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS table`);
    if (!rows[0]?.table) return null;
    const applied = await client.query<{ count: string }>('SELECT count(*) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
    return Number(applied.rows[0]!.count);
  } finally {
    await client.end();
  }
}

// Prisma's own settings (an offline schema engine, no update check) pass through; nothing else.
const PRISMA_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(PRISMA_|CHECKPOINT_DISABLE$)/.test(name)));

/** `npm run dev` as the script runs it, with exactly this environment (no .env is written: SESSION_SECRET is set). */
function runDev(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  const childEnv: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, NEXT_TELEMETRY_DISABLED: "1", ...PRISMA_ENV, ...env };
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["scripts/dev.ts", ...args],
      { cwd: ROOT, env: childEnv as NodeJS.ProcessEnv },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe("migrateDeploy (what npm run dev runs before next dev)", () => {
  it("applies every pending migration to an empty database, and is a no-op the second time", async () => {
    const database = await emptyDatabase("dev_migrate");
    expect(await appliedMigrations(database.url)).toBeNull();

    const first = await migrateDeploy(ROOT, database.url, process.env, "pipe");
    expect(first.code, first.output).toBe(0);
    expect(await appliedMigrations(database.url)).toBe(MIGRATIONS);

    const second = await migrateDeploy(ROOT, database.url, process.env, "pipe");
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/No pending migrations/i);
    expect(await appliedMigrations(database.url)).toBe(MIGRATIONS);
  }, 120_000);

  it("reports a database it cannot reach with a non-zero exit code", async () => {
    const result = await migrateDeploy(ROOT, `postgresql://postgres@127.0.0.1:${await freePort()}/nothing`, process.env, "pipe");
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/P1001|Can't reach database server/);
  }, 60_000);
});

describe("npm run dev with DATABASE_URL", () => {
  it("migrates that database before next dev starts (here `next dev --help`, which starts no server)", async () => {
    const database = await emptyDatabase("dev_script");
    const result = await runDev(["--help"], { DATABASE_URL: database.url, SESSION_SECRET: SECRET });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("applying pending migrations");
    expect(result.output).toMatch(/Usage: next dev/);
    expect(result.output.indexOf("applying pending migrations")).toBeLessThan(result.output.indexOf("Usage: next dev"));
    // Issue 12 item 7, end to end: the script binds next dev to loopback unless told otherwise.
    expect(result.output).toContain("Running: next dev --hostname 127.0.0.1 --help");
    expect(await appliedMigrations(database.url)).toBe(MIGRATIONS);
  }, 120_000);

  it("does not start next dev when the migrations cannot be applied", async () => {
    const result = await runDev(["--help"], { DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/nothing`, SESSION_SECRET: SECRET });
    expect(result.code).toBe(1);
    expect(result.output).toContain("next dev was not started");
    expect(result.output).not.toContain("Usage: next dev");
  }, 60_000);
});
