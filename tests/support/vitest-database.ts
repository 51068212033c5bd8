import { afterAll, beforeAll } from "vitest";
import { createPrismaClient, type Db } from "@/lib/db";
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from "./database";

/** An accessor for the file's client, with the database's URL for tests that open their own. */
export type TestDb = (() => Db) & { url: () => string };

/**
 * A fresh, migrated database for one vitest file; returns an accessor for its client. With
 * `asAppDatabase`, lib/'s own client (getDb, via lib/env) is pointed at it too.
 */
export function useTestDatabase(label: string, options: { asAppDatabase?: boolean } & TestDatabaseOptions = {}): TestDb {
  let database: TestDatabase | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(label, { timeZone: options.timeZone });
    db = createPrismaClient(database.url);
    if (options.asAppDatabase) {
      process.env.DATABASE_URL = database.url;
      process.env.SESSION_SECRET ??= "vitest-secret-vitest-secret-vitest-secret";
    }
  }, 120_000);
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });
  const notReady = () => new Error("useTestDatabase: the database is not ready outside tests");
  return Object.assign(
    () => {
      if (!db) throw notReady();
      return db;
    },
    {
      url: () => {
        if (!database) throw notReady();
        return database.url;
      },
    },
  );
}
