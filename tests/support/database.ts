import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/dev/embedded-postgres";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type TestDatabase = { url: string; drop: () => Promise<void> };

export type TestDatabaseOptions = {
  /**
   * The database's TimeZone (e.g. "Asia/Tokyo"); defaults to CLOAKROOM_TEST_DB_TIMEZONE, else the
   * server's own. Timestamp columns hold UTC wall time, so nothing may depend on this (issue 10).
   */
  timeZone?: string;
  /** false: leave the database empty, as a DATABASE_URL nobody has migrated yet (issue 12). */
  migrate?: boolean;
};

/**
 * A fresh, migrated database for one test run: a new database on DATABASE_URL's server when
 * that is set (production parity), else an in-memory embedded one. Migrations go through the
 * ordinary `prisma migrate deploy` (skipped with `migrate: false`).
 */
export async function createTestDatabase(label: string, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  const timeZone = options.timeZone ?? (process.env.CLOAKROOM_TEST_DB_TIMEZONE || undefined);
  let database: TestDatabase;
  if (serverUrl) {
    const name = `cloakroom_${label}_${Date.now()}_${process.pid}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
      // Every later connection to it starts in this zone, as on a server configured that way.
      if (timeZone) await admin.query(`ALTER DATABASE "${name}" SET timezone TO ${admin.escapeLiteral(timeZone)}`);
    } finally {
      await admin.end();
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    database = {
      url: url.toString(),
      drop: async () => {
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await client.end();
      },
    };
  } else {
    const embedded = await startEmbeddedPostgres({ timeZone });
    database = { url: embedded.url, drop: embedded.stop };
  }
  try {
    if (timeZone) await expectTimeZone(database.url, timeZone);
    // Asynchronous on purpose: the embedded server answers from this very process's event loop.
    if (options.migrate !== false) {
      await promisify(execFile)(path.join(ROOT, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: database.url },
      });
    }
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

/** A run asked for a zone must not quietly run in another. */
async function expectTimeZone(url: string, timeZone: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ zone: string }>("SELECT current_setting('TimeZone') AS zone");
    if (rows[0]?.zone.toLowerCase() !== timeZone.toLowerCase()) {
      throw new Error(`test database: asked for time zone ${timeZone}, a new connection got ${rows[0]?.zone}`);
    }
  } finally {
    await client.end();
  }
}
