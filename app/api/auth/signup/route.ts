import type { NextRequest } from "next/server";
import { signup } from "@/lib/auth/accounts";
import { signupBodySchema } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { isCommonPassword } from "@/lib/auth/common-passwords";
import { readBody } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/origin";
import { failure, respond, respondSignedIn } from "@/lib/http/respond";

export async function POST(request: NextRequest) {
  const env = getEnv();
  const body = await readBody(request, signupBodySchema({ passwordMinLength: env.passwordMinLength, isCommonPassword }));
  const form = { path: "/signup", next: request.nextUrl.searchParams.get("next") ?? undefined };
  if (!body.ok) return respond(body.kind, { ok: false, ...body.failure }, form);

  const result = await signup(body.data, requestMeta(request.headers, env.trustProxy));
  // SPEC §4 accepts that 409 reveals a registered email; README "Security" explains the trade-off.
  if (!result.ok) return respond(body.kind, failure(result, 409), form);

  return respondSignedIn(body.kind, 201, result, body.data.next, form);
}
