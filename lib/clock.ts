import { readFileSync } from "node:fs";
import { getEnv } from "@/lib/env";

/**
 * The time every expiry decision uses. Normally Date.now(). The test suite moves it forward
 * through CLOAKROOM_TEST_CLOCK_FILE (a file holding an offset in milliseconds), so idle and
 * absolute timeouts are tested without sleeping; never set it in a real deployment.
 */
export function now(): number {
  const file = getEnv().testClockFile;
  if (!file) return Date.now();
  let offset = 0;
  try {
    offset = Number(readFileSync(file, "utf8").trim()) || 0;
  } catch {
    // No file yet: no offset.
  }
  return Date.now() + offset;
}
