// Runs once when the server starts: a missing or weak variable stops the app here, with a
// message naming it, instead of on the first request (SPEC §5).
export async function register() {
  const { getEnv } = await import("@/lib/env");
  const { prepareDummyHash } = await import("@/lib/auth/password");
  try {
    const env = getEnv();
    await prepareDummyHash(env.bcryptCost);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
