import { prepareDummyHash } from "@/lib/auth/password";
import { getEnv } from "@/lib/env";
import { mailConfigured } from "@/lib/mail";
import { printCacheStatsOnSignal } from "@/lib/session";

// A missing or weak variable stops the server here, with a message naming it, instead of
// surfacing as a 500 on the first request.
try {
  const env = getEnv();
  if (env.testClockFile) console.warn(`CLOAKROOM_TEST_CLOCK_FILE is set: session expiry follows ${env.testClockFile}. Tests only!`);
  // SPEC §7: the app still starts; this is the one warning, and those routes say why (503).
  if (!mailConfigured()) {
    console.warn("SMTP_URL is not set: account email (verification, password reset, email change) is off; those routes answer 503");
  } else if (env.isProduction && !env.appOrigin) {
    // Without APP_URL, links in mail are built on each request's Host (SPEC §7): behind a proxy
    // that passes any Host through, a stranger could have reset links point at another site.
    console.warn("APP_URL is not set: links in mail follow each request's Host header. Set APP_URL to this app's public origin.");
  }
  await prepareDummyHash(env.bcryptCost);
  // `kill -USR2 <pid>` prints the session caches' counters (docs/performance.md), from the start:
  // without a handler the signal would stop the server.
  printCacheStatsOnSignal();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
