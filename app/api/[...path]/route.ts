import { fail } from "@/lib/http/respond";
import { route } from "@/lib/http/route";

// Unknown API routes answer JSON like the rest of the API, not the HTML 404 page.
const notFound = route({ auth: "anyone" }, async () => fail("not-found"));

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
