import { expect, test } from "../fixtures";
import { startNextServer } from "../support/server";
import { readTestEnv, serverEnv } from "../support/test-env";

// Starts a server of its own, with a broken configuration, next to the suite's server.
test("a weak SESSION_SECRET stops the server at start-up, naming the variable", async () => {
  const server = await startNextServer({ ...serverEnv(readTestEnv("databaseUrl"), "too-short", "5") }, { waitReady: false });
  const code = await new Promise<number | null>((resolve) => server.process.once("exit", resolve));
  expect(code).not.toBe(0);
  expect(server.output()).toContain("SESSION_SECRET");
  expect(server.output()).toContain("at least 32 characters");
});
