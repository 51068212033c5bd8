import type { NextRequest } from "next/server";
import { logout } from "@/lib/auth/accounts";
import { EmptyBodySchema } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { readBody } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/origin";
import { respond } from "@/lib/http/respond";
import { readSessionCookie } from "@/lib/session";

export async function POST(request: NextRequest) {
  const env = getEnv();
  const body = await readBody(request, EmptyBodySchema);
  const form = { path: "/" };
  if (!body.ok) return respond(body.kind, { ok: false, ...body.failure }, form);

  // Awaited: the session row is gone before the browser hears "signed out".
  await logout(readSessionCookie(request.headers), requestMeta(request.headers, env.trustProxy));
  return respond(
    body.kind,
    { ok: true, status: 200, body: { ok: true }, redirectTo: "/", session: "clear" },
    form,
  );
}
