import { timingSafeEqual } from "node:crypto";
import { getEnv } from "@/lib/env";
import { fail, ok } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { deleteExpiredRows } from "@/lib/maintenance";

function authorised(header: string | null, secret: string): boolean {
  const given = Buffer.from(header ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Vercel Cron calls this daily (vercel.json) with `Authorization: Bearer $CRON_SECRET`.
export const GET = route({ auth: "anyone" }, async ({ request }) => {
  const { cronSecret } = getEnv();
  // Without a secret the route does not exist: nobody can make the app do work on demand.
  if (!cronSecret) return fail("not-found");
  if (!authorised(request.headers.get("authorization"), cronSecret)) return fail("unauthenticated");
  return ok({ deleted: await deleteExpiredRows() });
});
