// Liveness that skips proxy.ts (its matcher leaves /api/ping out): it answers while the session
// stores are down. The same handler as /api/health, by construction, so the two differ by the
// proxy's work alone (the bench's measure of it).
export { GET } from "@/app/api/health/route";
