import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/dev/embedded-postgres";

// Parameterised queries use the extended protocol (Parse, Bind, Execute, Sync). PGlite has one
// unnamed statement and portal, so the server must never run another connection's messages in
// the middle of such a sequence, or a query gets someone else's rows.
let server: EmbeddedPostgres;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe("the embedded server under concurrent connections", () => {
  it("gives every parameterised query its own result", async () => {
    const clients = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        return client;
      }),
    );
    const mismatches: string[] = [];
    const writer = new pg.Client({ connectionString: server.url });
    await writer.connect();
    await writer.query("CREATE TABLE IF NOT EXISTS counter (id int PRIMARY KEY, n int)");
    await writer.query("INSERT INTO counter VALUES (1, 0) ON CONFLICT DO NOTHING");
    // Transactions, as Prisma's interactive ones: exclusive while open, started at any moment.
    const transactions = (async () => {
      for (let i = 0; i < 60; i++) {
        await writer.query("BEGIN");
        await writer.query("SELECT n FROM counter WHERE id = $1 FOR UPDATE", [1]);
        await writer.query("UPDATE counter SET n = n + $1 WHERE id = 1", [1]);
        await writer.query("COMMIT");
      }
    })();
    // The connections run side by side; on each, one query at a time (a pg Client sends them one
    // by one anyway, and queueing a query while one is running is deprecated in pg 8).
    await Promise.all([
      transactions,
      ...clients.map(async (client, c) => {
        for (let i = 0; i < 60; i++) {
          const want = `${c}-${i}`;
          // A different statement per connection: a swapped statement or portal shows at once.
          const { rows } = await client.query<{ v: string; c: number }>(`SELECT $1::text AS v, ${c}::int AS c, $2::int AS i`, [want, i]);
          if (rows[0]?.v !== want || rows[0]?.c !== c) mismatches.push(`${want} got ${rows[0]?.v}/${rows[0]?.c}`);
        }
      }),
    ]);
    expect((await writer.query<{ n: number }>("SELECT n FROM counter WHERE id = 1")).rows[0]?.n).toBe(60);
    await Promise.all([writer, ...clients].map((client) => client.end()));
    expect(mismatches).toEqual([]);
  }, 60_000);
});
