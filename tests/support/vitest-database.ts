import { afterAll, beforeAll } from "vitest";
import { createPrismaClient, type Db } from "@/lib/db";
import { createTestDatabase, type TestDatabase } from "./database";

/** A fresh, migrated database for one vitest file; returns an accessor for its client. */
export function useTestDatabase(label: string): () => Db {
  let database: TestDatabase | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(label);
    db = createPrismaClient(database.url);
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
