import { ok } from "@/lib/http/respond";
import { route } from "@/lib/http/route";

export const GET = route({ auth: "user" }, async ({ current: { user, session } }) => ok({ user, session: { ...session, current: true } }));
