// Runs once when the server starts (SPEC §5: validate the environment at start-up).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./instrumentation-node");
}
