import { randomBytes } from "node:crypto";
import { createTestDatabase } from "./support/database";
import { startNextServer } from "./support/server";
import { TEST_ENV, serverEnv } from "./support/test-env";

// One fresh database and one production server (`next start` of the build made by
// `npm run test:e2e`) for the whole run; tests isolate by data, each with its own users.
export default async function globalSetup() {
  const database = await createTestDatabase("e2e");
  const secret = randomBytes(32).toString("base64url");
  const maxSessions = "5";
  const server = await startNextServer(serverEnv(database.url, secret, maxSessions)).catch(async (error) => {
    await database.drop();
    throw error;
  });

  process.env[TEST_ENV.baseUrl] = server.url;
  process.env[TEST_ENV.databaseUrl] = database.url;
  process.env[TEST_ENV.secret] = secret;
  process.env[TEST_ENV.maxSessions] = maxSessions;

  return async () => {
    await server.stop();
    await database.drop();
  };
}
