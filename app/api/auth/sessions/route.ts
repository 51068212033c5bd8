import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { listSessions } from "@/lib/auth/sessions";

export async function GET() {
  const auth = await authenticate();
  if (!auth.ok) return auth.response;
  return NextResponse.json(await listSessions(auth.current), { headers: { "cache-control": "no-store" } });
}
