import type { NextRequest } from "next/server";
import { revokeAllSessionsOf } from "@/lib/admin";
import { authenticate } from "@/lib/auth/current-user";
import { EmptyBodySchema, PublicIdSchema } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { readBody } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/origin";
import { respond } from "@/lib/http/respond";

export async function POST(request: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const auth = await authenticate({ role: "admin" });
  if (!auth.ok) return auth.response;
  const body = await readBody(request, EmptyBodySchema);
  const form = { path: "/admin" };
  if (!body.ok) return respond(body.kind, { ok: false, ...body.failure }, form);

  const id = PublicIdSchema.safeParse((await ctx.params).id);
  const actor = { id: auth.current.user.id, meta: requestMeta(request.headers, getEnv().trustProxy) };
  const result = id.success ? await revokeAllSessionsOf(id.data, actor) : ({ ok: false, reason: "user-not-found" } as const);
  if (!result.ok) return respond(body.kind, { ok: false, status: 404, error: result.reason }, form);
  return respond(body.kind, { ok: true, status: 200, body: { ok: true }, redirectTo: "/admin?notice=user-sessions-revoked" }, form);
}
