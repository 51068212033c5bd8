import { PrismaPg } from "@prisma/adapter-pg";
import { getEnv } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

export function createPrismaClient(connectionString: string) {
  const adapter = new PrismaPg({
    connectionString,
    // Fail fast when the database is unreachable: the proxy answers 503 rather than hang.
    connectionTimeoutMillis: 5_000,
  });
  // The hash never leaves lib/ by accident: only login and password change opt back in.
  return new PrismaClient({ adapter, omit: { user: { passwordHash: true } } });
}

export type Db = ReturnType<typeof createPrismaClient>;

// One client per process: proxy.ts and the app are separate bundles in one server process, and
// `next dev` re-imports modules on every change; globalThis is what they all share.
const globalForDb = globalThis as typeof globalThis & { cloakroomDb?: Db };

export function getDb(): Db {
  globalForDb.cloakroomDb ??= createPrismaClient(getEnv().databaseUrl);
  return globalForDb.cloakroomDb;
}
