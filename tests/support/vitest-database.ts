import { afterAll, beforeAll } from "vitest";
import { createPrismaClient, type Db } from "@/lib/db";
import { createTestDatabase, type TestDatabase } from "./database";

/**
 * A fresh, migrated database for one vitest file; returns an accessor for its client. With
 * `asAppDatabase`, lib/'s own client (getDb, via lib/env) is pointed at it too.
 */
export function useTestDatabase(label: string, options: { asAppDatabase?: boolean } = {}): () => Db {
  let database: TestDatabase | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(label);
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
  return () => {
    if (!db) throw new Error("useTestDatabase: the database is not ready outside tests");
    return db;
  };
}
