import { timingSafeEqual } from "node:crypto";
import { NextResponse } from "next/server";
import { getEnv } from "@/lib/env";
import { jsonError } from "@/lib/http/respond";
import { deleteExpiredRows } from "@/lib/maintenance";

function authorised(header: string | null, secret: string): boolean {
  const given = Buffer.from(header ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Vercel Cron calls this daily (vercel.json) with `Authorization: Bearer $CRON_SECRET`.
export async function GET(request: Request) {
  const { cronSecret } = getEnv();
  // Without a secret the route does not exist: nobody can make the app do work on demand.
  if (!cronSecret) return jsonError(404, "Not found");
  if (!authorised(request.headers.get("authorization"), cronSecret)) return jsonError(401, "Authentication required");
  return NextResponse.json({ deleted: await deleteExpiredRows() });
}
