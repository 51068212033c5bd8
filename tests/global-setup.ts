import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase } from "./support/database";
import { startMailbox } from "./support/mailbox";
import { flushRedis } from "./support/redis-server";
import { startNextServer } from "./support/server";
import { TEST_ENV, serverEnv } from "./support/test-env";

// One fresh database, one test mailbox (a real SMTP server, SPEC §7) and one production server
// (`next start` of the build made by `npm run test:e2e`) for the whole run; tests isolate by
// data, each with its own users and email addresses.
export default async function globalSetup() {
  // With REDIS_URL (sessions under SESSION_STRATEGY=redis, rate limits under any), the run owns
  // that logical database: it starts empty, like the run's fresh PostgreSQL database. A loopback
  // Redis only: flushRedis refuses any other.
  if (process.env.REDIS_URL) await flushRedis(process.env.REDIS_URL);
  const mailDir = mkdtempSync(path.join(tmpdir(), "cloakroom-mail-"));
  const mailbox = await startMailbox(mailDir);
  // Set before serverEnv() runs, here and in the workers: every server the suite starts mails here.
  process.env[TEST_ENV.smtpUrl] = mailbox.url;
  process.env[TEST_ENV.mailDir] = mailDir;
  const stopMailbox = async () => {
    await mailbox.stop();
    rmSync(mailDir, { recursive: true, force: true });
  };

  const database = await createTestDatabase("e2e").catch(async (error) => {
    await stopMailbox();
    throw error;
  });
  const secret = randomBytes(32).toString("base64url");
  const maxSessions = "5";
  const server = await startNextServer(serverEnv(database.url, secret, maxSessions)).catch(async (error) => {
    await database.drop();
    await stopMailbox();
    throw error;
  });

  process.env[TEST_ENV.baseUrl] = server.url;
  process.env[TEST_ENV.databaseUrl] = database.url;
  process.env[TEST_ENV.secret] = secret;
  process.env[TEST_ENV.maxSessions] = maxSessions;

  return async () => {
    await server.stop();
    await database.drop();
    await stopMailbox();
  };
}
