import { ok } from "@/lib/http/respond";
import { route } from "@/lib/http/route";

// Liveness that skips proxy.ts (its matcher leaves /api/ping out): it answers while the session
// stores are down, and it is /api/health's twin, so the two differ by the proxy's work alone.
export const GET = route({ auth: "anyone" }, async () => ok({ status: "ok" }));
