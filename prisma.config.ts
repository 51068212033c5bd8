import "dotenv/config";
import { defineConfig } from "prisma/config";

// The CLI's connection. `npm run db:*` wraps these commands so that, with DATABASE_URL unset,
// they run against the embedded PGlite database (scripts/with-db.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "tsx prisma/seed.ts",
  },
  datasource: {
    // `prisma generate` needs no database, so an unset URL must not fail it.
    url: process.env.DATABASE_URL ?? "",
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
