import { prepareDummyHash } from "@/lib/auth/password";
import { getEnv } from "@/lib/env";

// A missing or weak variable stops the server here, with a message naming it, instead of
// surfacing as a 500 on the first request.
try {
  const env = getEnv();
  if (env.testClockFile) console.warn(`CLOAKROOM_TEST_CLOCK_FILE is set: session expiry follows ${env.testClockFile}. Tests only!`);
  await prepareDummyHash(env.bcryptCost);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
