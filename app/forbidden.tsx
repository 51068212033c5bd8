import Link from "next/link";
import { HOME_PATH } from "@/lib/routes";

// What forbidden() (requireRole) renders if a request reaches a role-gated page past the proxy's
// own 403. Next (16.4) answers 403 with an empty document and renders this in the browser, so it
// needs JavaScript; the proxy's page (the same words, in the same header) does not.
export default function Forbidden() {
  return (
    <section className="card narrow">
      <h1>403: not allowed</h1>
      <p>
        Your account does not have access to this page. <Link href={HOME_PATH}>Back to your dashboard</Link>.
      </p>
    </section>
  );
}
