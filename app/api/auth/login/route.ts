import type { NextRequest } from "next/server";
import { login } from "@/lib/auth/accounts";
import { LoginBodySchema } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { readBody } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/origin";
import { failure, respond, respondSignedIn } from "@/lib/http/respond";
import { readSessionCookie } from "@/lib/session";

export async function POST(request: NextRequest) {
  const env = getEnv();
  const body = await readBody(request, LoginBodySchema);
  const form = { path: "/login", next: request.nextUrl.searchParams.get("next") ?? undefined };
  if (!body.ok) return respond(body.kind, { ok: false, ...body.failure }, form);

  const previousCookie = readSessionCookie(request.headers);
  const result = await login(body.data, requestMeta(request.headers, env.trustProxy), previousCookie);
  // One answer for unknown email and wrong password: same status, same text (SPEC §4). A right
  // password whose account's sessions keep being ended may try again: 503, not "wrong password".
  if (!result.ok) return respond(body.kind, failure(result, result.reason === "sessions-churning" ? 503 : 401), form);

  return respondSignedIn(body.kind, 200, result, body.data.next, form);
}
