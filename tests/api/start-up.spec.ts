import { COOKIE, expect, test } from "../fixtures";
import { startNextServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// These start servers of their own, with a broken configuration, next to the suite's server.
test.describe.configure({ mode: "serial" });

test("a weak SESSION_SECRET stops the server at start-up, naming the variable", async () => {
  const server = await startNextServer({ ...serverEnv(readTestEnv("databaseUrl"), "too-short", "5") }, { waitReady: false });
  const code = await new Promise<number | null>((resolve) => server.process.once("exit", resolve));
  expect(code).not.toBe(0);
  expect(server.output()).toContain("SESSION_SECRET");
  expect(server.output()).toContain("at least 32 characters");
});

test.describe("when the session store is unreachable", () => {
  let server: Awaited<ReturnType<typeof startNextServer>>;
  test.beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens, so every connection is refused.
    server = await startNextServer(serverEnv("postgresql://postgres@127.0.0.1:9/none", readTestEnv("secret"), "5"));
  });
  test.afterAll(async () => {
    await server.stop();
  });

  test("protected pages answer 503 and protected API routes 503 JSON — nobody is let in", async ({ playwright }) => {
    const request = await playwright.request.newContext({ baseURL: server.url });
    const cookie = { cookie: `${COOKIE}=${"A".repeat(43)}` };
    const page = await request.get("/dashboard", { headers: cookie, maxRedirects: 0 });
    expect(page.status()).toBe(503);
    const api = await request.get("/api/auth/session", { headers: cookie });
    expect(api.status()).toBe(503);
    expect(await api.json()).toEqual({ error: "Service unavailable" });
    // Without a cookie there is nothing to check: the usual redirect and 401.
    expect((await request.get("/dashboard", { maxRedirects: 0 })).status()).toBe(307);
    expect((await request.get("/api/auth/session")).status()).toBe(401);
    await request.dispose();
  });
});
