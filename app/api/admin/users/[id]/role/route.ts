import type { NextRequest } from "next/server";
import { changeRole } from "@/lib/admin";
import { authenticate } from "@/lib/auth/current-user";
import { PublicIdSchema, RoleChangeBodySchema } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { readBody } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/origin";
import { respond } from "@/lib/http/respond";

export async function POST(request: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const auth = await authenticate({ role: "admin" });
  if (!auth.ok) return auth.response;
  const body = await readBody(request, RoleChangeBodySchema);
  const form = { path: "/admin" };
  if (!body.ok) return respond(body.kind, { ok: false, ...body.failure }, form);

  const id = PublicIdSchema.safeParse((await ctx.params).id);
  const actor = { id: auth.current.user.id, meta: requestMeta(request.headers, getEnv().trustProxy) };
  const result = id.success ? await changeRole(id.data, body.data.role, actor) : ({ ok: false, reason: "user-not-found" } as const);
  if (!result.ok) {
    return respond(body.kind, { ok: false, status: result.reason === "last-admin" ? 409 : 404, error: result.reason }, form);
  }
  // An admin who demoted themselves has just ended their own session too.
  const self = result.user.id === auth.current.user.id;
  return respond(
    body.kind,
    { ok: true, status: 200, body: { user: result.user }, redirectTo: self ? "/login" : "/admin?notice=role-changed" },
    form,
  );
}
