import { logout } from "@/lib/auth/accounts";
import { EmptyBodySchema } from "@/lib/auth/schemas";
import { done } from "@/lib/http/respond";
import { route } from "@/lib/http/route";

export const POST = route({ auth: "anyone", body: EmptyBodySchema, form: "/" }, async ({ meta, sessionCookie }) => {
  // Awaited: the session is over on the server before the browser hears "signed out".
  await logout(sessionCookie, meta);
  return done("/", "clear");
});
