import { NextResponse } from "next/server";
import { getCurrentSession } from "@/lib/auth/current-user";
import { jsonError } from "@/lib/http/respond";

export async function GET() {
  let current;
  try {
    current = await getCurrentSession();
  } catch (error) {
    // Fail closed and say why: the user or revocation data could not be read (SPEC §3).
    console.error("session: store unreachable", error);
    return jsonError(503, "Service unavailable");
  }
  if (!current) return jsonError(401, "Authentication required");
  return NextResponse.json(
    { user: current.user, session: { ...current.session, current: true } },
    { headers: { "cache-control": "no-store" } },
  );
}
