import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * A user row for a unit test, written straight to the database: a unique email (STYLE §4:
 * isolate by data, not truncation) and a placeholder password hash that no password matches.
 * `overrides` sets any other column, e.g. `{ role: "ADMIN" }` or `{ sessionGeneration: 1 }`.
 */
export function createTestUser(db: Db, overrides: Partial<Prisma.UserCreateInput> = {}) {
  return db.user.create({ data: { email: `user-${randomUUID()}@unit.test`, passwordHash: "x", ...overrides } });
}
