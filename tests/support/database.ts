import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/dev/embedded-postgres";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type TestDatabase = { url: string; drop: () => Promise<void> };

/**
 * A fresh, migrated database for one test run: a new database on DATABASE_URL's server when
 * that is set (production parity), else an in-memory embedded one. Migrations go through the
 * ordinary `prisma migrate deploy`.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  let database: TestDatabase;
  if (serverUrl) {
    const name = `cloakroom_${label}_${Date.now()}_${process.pid}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
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
    const embedded = await startEmbeddedPostgres();
    database = { url: embedded.url, drop: embedded.stop };
  }
  // Asynchronous on purpose: the embedded server answers from this very process's event loop.
  await promisify(execFile)(path.join(ROOT, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: database.url },
  });
  return database;
}
