import type { NextRequest } from "next/server";
import { changePassword } from "@/lib/auth/accounts";
import { authenticate } from "@/lib/auth/current-user";
import { passwordChangeBodySchema } from "@/lib/auth/schemas";
import { getEnv } from "@/lib/env";
import { isCommonPassword } from "@/lib/auth/common-passwords";
import { readBody } from "@/lib/http/body";
import { requestMeta } from "@/lib/http/origin";
import { failure, respond, respondSignedIn } from "@/lib/http/respond";

export async function POST(request: NextRequest) {
  const env = getEnv();
  const auth = await authenticate();
  if (!auth.ok) return auth.response;
  const body = await readBody(request, passwordChangeBodySchema({ passwordMinLength: env.passwordMinLength, isCommonPassword }));
  const form = { path: "/settings/password" };
  if (!body.ok) return respond(body.kind, { ok: false, ...body.failure }, form);

  const result = await changePassword(auth.current, body.data, requestMeta(request.headers, env.trustProxy));
  if (!result.ok) return respond(body.kind, failure(result, 401), form);
  return respondSignedIn(body.kind, 200, result, "/settings/password?notice=password-changed", form);
}
