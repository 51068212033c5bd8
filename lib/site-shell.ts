import { HOME_PATH, LOGIN_PATH } from "@/lib/routes";
import type { PublicRole } from "@/lib/users";

// What every page shares: the header's entries and the stylesheet. app/layout.tsx renders them,
// and so does proxy.ts for the pages it answers itself (its 403): it cannot render React, but
// those pages must look like the rest of the app (issue 12).

export type NavLink = { href: string; label: string };

/** The header's links for a visitor who is signed out (`null`) or signed in with a role. */
export function navLinks(role: PublicRole | null): NavLink[] {
  if (!role) {
    return [
      { href: LOGIN_PATH, label: "Sign in" },
      { href: "/signup", label: "Create account" },
    ];
  }
  return [
    { href: HOME_PATH, label: "Dashboard" },
    { href: "/settings/sessions", label: "Sessions" },
    { href: "/settings/password", label: "Password" },
    { href: "/settings/email", label: "Email" },
    { href: "/settings/activity", label: "Activity" },
    ...(role === "admin" ? [{ href: "/admin", label: "Admin" }] : []),
  ];
}

/**
 * The app's one stylesheet (public/styles.css), at a fixed address rather than a hashed build
 * chunk, so that a page the proxy writes can link it too.
 */
export const STYLESHEET_PATH = "/styles.css";
