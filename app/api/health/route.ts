import { NextResponse } from "next/server";

// Liveness for load balancers and uptime checks: answers without touching the database or the
// session, so it is also the benchmark's ceiling (bench/README.md).
export function GET() {
  return NextResponse.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
