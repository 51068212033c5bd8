import Link from "next/link";
import { LOGIN_PATH } from "@/lib/routes";

export default function HomePage() {
  return (
    <section className="card prose">
      <h1>Cloakroom</h1>
      <p>
        Hand over your credentials once, get an opaque ticket, and be recognised from that ticket alone. This is a
        starter for session authentication in the Next.js App Router: server-side sessions, a proxy that vouches for
        every request, and tests that drive a real browser.
      </p>
      <p>
        <Link href="/signup">Create an account</Link> or <Link href={LOGIN_PATH}>sign in</Link>.
      </p>
    </section>
  );
}
