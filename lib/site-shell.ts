import { ADMIN_PATH, HOME_PATH, LOGIN_PATH, TWO_FACTOR_SETTINGS_PATH } from "@/lib/routes";
import type { PublicRole } from "@/lib/users";

// What every page shares: the header's entries, the stylesheet and the icon. app/layout.tsx
// renders them, and so does proxy.ts for the pages it answers itself (its 403): it cannot render
// React, but those pages must look like the rest of the app (issue 12).

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
    { href: TWO_FACTOR_SETTINGS_PATH, label: "Two-factor" },
    { href: "/settings/activity", label: "Activity" },
    ...(role === "admin" ? [{ href: ADMIN_PATH, label: "Admin" }] : []),
  ];
}

/** Where the header's "Sign out" button, after the links, posts. */
export const SIGN_OUT_PATH = "/api/auth/logout";

/**
 * The app's one stylesheet (public/styles.css), at a fixed address rather than a hashed build
 * chunk, so that a page the proxy writes can link it too.
 */
export const STYLESHEET_PATH = "/styles.css";

/** app/icon.svg, which Next serves here (and links from every page it renders). */
export const ICON_PATH = "/icon.svg";
