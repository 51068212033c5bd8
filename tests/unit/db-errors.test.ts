import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db";
import { databaseProblem, describeDatabaseProblem } from "@/lib/db-errors";
import { createTestDatabase, type TestDatabase } from "@/tests/support/database";
import { freePort } from "@/tests/support/server";

describe("databaseProblem: the shapes Prisma 7 with @prisma/adapter-pg throws", () => {
  const adapterError = (code: string, cause: Record<string, unknown>, message = "Invalid `db.user.findFirst()` invocation:\n\nwhat happened") =>
    Object.assign(new Error(message), { name: "PrismaClientKnownRequestError", code, meta: { driverAdapterError: { name: "DriverAdapterError", cause } } });

  it.each([
    ["P2021, a missing table", adapterError("P2021", { kind: "TableDoesNotExist", originalCode: "42P01" }), "schema-missing"],
    ["P2022, a missing column", adapterError("P2022", { kind: "ColumnNotFound", originalCode: "42703" }), "schema-missing"],
    ["P2010, a raw query on a missing table", adapterError("P2010", { kind: "TableDoesNotExist", originalCode: "42P01" }), "schema-missing"],
    ["pg's own error for a missing relation", Object.assign(new Error('relation "User" does not exist'), { code: "42P01" }), "schema-missing"],
    ["P1001, connection refused", adapterError("P1001", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 1 }), "unreachable"],
    ["P2010, a raw query that cannot connect", adapterError("P2010", { kind: "DatabaseNotReachable" }), "unreachable"],
    ["P1003, no such database", adapterError("P1003", { kind: "DatabaseDoesNotExist" }), "unreachable"],
    ["P1010, access denied", adapterError("P1010", { kind: "DatabaseAccessDenied" }), "unreachable"],
    ["P2024, the pool timed out", Object.assign(new Error("Timed out fetching a new connection"), { code: "P2024" }), "unreachable"],
    ["pg's pool connect timeout, unwrapped", new Error("Connection terminated due to connection timeout"), "unreachable"],
    ["a socket error", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED", syscall: "connect", errno: -111 }), "unreachable"],
    ["either, as the cause of another error", new Error("wrapped", { cause: adapterError("P2021", { kind: "TableDoesNotExist" }) }), "schema-missing"],
  ])("%s", (_, error, kind) => {
    expect(databaseProblem(error)?.kind).toBe(kind);
  });

  it.each([
    ["a bug", new TypeError("cannot read properties of undefined")],
    ["a unique violation (an expected outcome, handled where it happens)", Object.assign(new Error("Unique constraint failed"), { code: "P2002" })],
    ["not an error at all", "P2021"],
    ["null", null],
  ])("ignores %s", (_, error) => {
    expect(databaseProblem(error)).toBeNull();
  });

  it("keeps Prisma's last line (what happened), not the invocation it quotes", () => {
    const problem = databaseProblem(
      adapterError("P2021", { kind: "TableDoesNotExist" }, "\nInvalid `db.user.findFirst()` invocation in\n/app/lib/users.ts:12:3\n\nThe table `public.User` does not exist in the current database."),
    );
    expect(problem).toEqual({ kind: "schema-missing", detail: "The table `public.User` does not exist in the current database." });
  });

  it("names the fix in one line", () => {
    const missing = describeDatabaseProblem({ kind: "schema-missing", detail: "The table `public.User` does not exist in the current database." });
    expect(missing).toContain("npm run db:deploy");
    expect(missing).toContain("prisma migrate deploy");
    expect(missing).not.toContain("\n");
    expect(describeDatabaseProblem({ kind: "unreachable", detail: "Can't reach database server at 127.0.0.1:1" })).toMatch(/cannot be reached.*DATABASE_URL/);
  });
});

// The shapes above, checked against what the installed Prisma and adapter really throw: an upgrade
// that changes them fails here, not as a 500 in someone's deployment.
describe("databaseProblem on real errors", () => {
  let empty: TestDatabase;
  beforeAll(async () => {
    empty = await createTestDatabase("db_errors", { migrate: false });
  }, 120_000);
  afterAll(async () => {
    await empty?.drop();
  });

  async function thrownBy(url: string, call: (db: ReturnType<typeof createPrismaClient>) => Promise<unknown>): Promise<unknown> {
    const db = createPrismaClient(url);
    try {
      await call(db);
    } catch (error) {
      return error;
    } finally {
      await db.$disconnect();
    }
    throw new Error("the call did not fail");
  }

  it("an unmigrated database: model and raw queries are schema-missing, and so is a table without its columns", async () => {
    expect(databaseProblem(await thrownBy(empty.url, (db) => db.user.findFirst()))).toMatchObject({ kind: "schema-missing", detail: expect.stringContaining("User") });
    expect(databaseProblem(await thrownBy(empty.url, (db) => db.$queryRaw`SELECT 1 FROM "Session"`))?.kind).toBe("schema-missing");
    expect(databaseProblem(await thrownBy(empty.url, (db) => db.$transaction((tx) => tx.session.count())))?.kind).toBe("schema-missing");

    // Half a schema (a table some older migration made, without later columns): P2022.
    const client = new pg.Client({ connectionString: empty.url });
    await client.connect();
    await client.query('CREATE TABLE "User" (id text PRIMARY KEY)');
    await client.end();
    expect(databaseProblem(await thrownBy(empty.url, (db) => db.user.findFirst()))).toMatchObject({ kind: "schema-missing", detail: expect.stringContaining("column") });
  });

  it("a port nobody listens on is unreachable", async () => {
    const url = `postgresql://postgres@127.0.0.1:${await freePort()}/nothing`;
    expect(databaseProblem(await thrownBy(url, (db) => db.user.findFirst()))?.kind).toBe("unreachable");
    expect(databaseProblem(await thrownBy(url, (db) => db.$queryRaw`SELECT 1`))?.kind).toBe("unreachable");
  });
});
