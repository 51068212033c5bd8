import type { NextRequest } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { LogoutAllBodySchema } from "@/lib/auth/schemas";
import { logoutEverywhere } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { readBody } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/origin";
import { failure, respond } from "@/lib/http/respond";
import { clearSessionCookie } from "@/lib/session";

export async function POST(request: NextRequest) {
  const env = getEnv();
  const auth = await authenticate();
  if (!auth.ok) return auth.response;
  const body = await readBody(request, LogoutAllBodySchema);
  const form = { path: "/settings/sessions" };
  if (!body.ok) return respond(body.kind, { ok: false, ...body.failure }, form);

  const result = await logoutEverywhere(auth.current, {
    keepCurrent: body.data.keepCurrent,
    meta: requestMeta(request.headers, env.trustProxy),
  });
  if (!result.ok) {
    const response = respond(body.kind, failure(result, 401), { path: "/login" });
    clearSessionCookie(response);
    return response;
  }
  const { newSession } = result;
  return respond(
    body.kind,
    {
      ok: true,
      status: 200,
      body: { ok: true },
      redirectTo: newSession ? "/settings/sessions?notice=others-revoked" : "/login",
      session: newSession ?? "clear",
    },
    form,
  );
}
