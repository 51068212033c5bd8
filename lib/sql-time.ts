import { Prisma } from "@/lib/generated/prisma/client";

/**
 * `ms` (epoch milliseconds) as the database column types hold it: Prisma stores DateTime as UTC
 * wall time in `timestamp without time zone`. Raw SQL converts explicitly, so no comparison
 * depends on the connection's TimeZone setting (issue 10: a non-UTC database failed open).
 */
export function utcTimestamp(ms: number): Prisma.Sql {
  return Prisma.sql`(to_timestamp(${ms}::float8 / 1000) AT TIME ZONE 'UTC')`;
}
