import { ok } from "@/lib/http/respond";
import { route } from "@/lib/http/route";

// Liveness for load balancers and uptime checks: answers without touching the database or the
// session, so it is also the benchmark's ceiling (bench/README.md).
export const GET = route({ auth: "anyone" }, async () => ok({ status: "ok" }));
