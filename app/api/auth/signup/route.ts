import { signup } from "@/lib/auth/accounts";
import { passwordPolicy } from "@/lib/auth/password-policy";
import { signupBodySchema } from "@/lib/auth/schemas";
import { signedIn } from "@/lib/http/respond";
import { route } from "@/lib/http/route";

export const POST = route(
  { auth: "anyone", body: () => signupBodySchema(passwordPolicy()), form: { path: "/signup", keepNext: true } },
  async ({ body, meta, next, origin }) => {
    const result = await signup(body, meta, origin);
    return result.ok ? signedIn(result, body.next ?? next, 201) : result;
  },
);
