import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { LogoutButton } from "@/app/_components/logout-button";
import { getCurrentUser } from "@/lib/auth/current-user";
import { navLinks, STYLESHEET_PATH } from "@/lib/site-shell";

export const metadata: Metadata = {
  title: { default: "Cloakroom", template: "%s · Cloakroom" },
  description: "Session authentication for Next.js, done right.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  return (
    <html lang="en">
      <body>
        {/* A file at a fixed address, not a CSS import (a hashed chunk): the proxy's own 403 page
            links the same file. With a precedence, React puts it in <head>. */}
        <link rel="stylesheet" href={STYLESHEET_PATH} precedence="default" />
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="brand">
            Cloakroom
          </Link>
          <nav aria-label="Account">
            {navLinks(user?.role ?? null).map(({ href, label }) => (
              <Link key={href} href={href}>
                {label}
              </Link>
            ))}
            {user ? <LogoutButton /> : null}
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
