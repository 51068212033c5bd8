import { NextResponse } from "next/server";
import { getCurrentSession } from "@/lib/auth/current-user";
import { jsonError } from "@/lib/http/respond";

export async function GET() {
  const current = await getCurrentSession();
  if (!current) return jsonError(401, "Authentication required");
  return NextResponse.json(
    { user: current.user, session: { ...current.session, current: true } },
    { headers: { "cache-control": "no-store" } },
  );
}
