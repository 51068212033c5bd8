import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";

export async function GET() {
  const auth = await authenticate();
  if (!auth.ok) return auth.response;
  const { user, session } = auth.current;
  return NextResponse.json({ user, session: { ...session, current: true } }, { headers: { "cache-control": "no-store" } });
}
