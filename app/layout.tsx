import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { LogoutButton } from "@/app/_components/logout-button";
import { getCurrentUser } from "@/lib/auth/current-user";
import { HOME_PATH, LOGIN_PATH } from "@/lib/routes";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Cloakroom", template: "%s · Cloakroom" },
  description: "Session authentication for Next.js, done right.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="brand">
            Cloakroom
          </Link>
          <nav aria-label="Account">
            {user ? (
              <>
                <Link href={HOME_PATH}>Dashboard</Link>
                <Link href="/settings/sessions">Sessions</Link>
                <Link href="/settings/password">Password</Link>
                <Link href="/settings/email">Email</Link>
                <Link href="/settings/activity">Activity</Link>
                {user.role === "admin" ? <Link href="/admin">Admin</Link> : null}
                <LogoutButton />
              </>
            ) : (
              <>
                <Link href={LOGIN_PATH}>Sign in</Link>
                <Link href="/signup">Create account</Link>
              </>
            )}
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
