import type { NextRequest } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { EmptyBodySchema, PublicIdSchema } from "@/lib/auth/schemas";
import { revokeSession } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { readBody } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/origin";
import { respond } from "@/lib/http/respond";

type Context = { params: Promise<{ id: string }> };

async function revoke(request: NextRequest, ctx: Context) {
  const auth = await authenticate();
  if (!auth.ok) return auth.response;
  const body = await readBody(request, EmptyBodySchema);
  const form = { path: "/settings/sessions" };
  if (!body.ok) return respond(body.kind, { ok: false, ...body.failure }, form);

  const id = PublicIdSchema.safeParse((await ctx.params).id);
  const meta = requestMeta(request.headers, getEnv().trustProxy);
  const result = id.success ? await revokeSession(auth.current, auth.cookieValue, id.data, meta) : null;
  if (!result?.ok) return respond(body.kind, { ok: false, status: 404, error: "session-not-found" }, form);

  return respond(
    body.kind,
    {
      ok: true,
      status: 200,
      body: { ok: true },
      redirectTo: result.endedCurrent ? "/login" : "/settings/sessions?notice=session-revoked",
      ...(result.endedCurrent ? { session: "clear" as const } : {}),
    },
    form,
  );
}

export const DELETE = revoke;
// HTML forms can only POST: the sessions page posts here to revoke without JavaScript.
export const POST = revoke;
