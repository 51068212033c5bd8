import { after } from "next/server";

/**
 * Runs `work` once the answer has gone (Next's after(), which keeps a serverless function alive
 * for it), or at once outside a request (scripts, tests). It never throws into the caller: a
 * failure is logged with `label`. For work whose cost or outcome must not show in the answer
 * (SPEC §7: a reset request for an unknown address looks exactly like one for an account).
 */
export function afterResponse(label: string, work: () => Promise<void>): Promise<void> {
  const run = () => work().catch((error: unknown) => console.error(`${label}: failed after the answer:`, error instanceof Error ? error.message : error));
  try {
    after(run);
    return Promise.resolve();
  } catch {
    // after() throws outside a request scope.
    return run();
  }
}
