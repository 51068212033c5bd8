import { listSessions } from "@/lib/auth/sessions";
import { ok } from "@/lib/http/respond";
import { route } from "@/lib/http/route";

export const GET = route({ auth: "user" }, async ({ current }) => ok(await listSessions(current)));
