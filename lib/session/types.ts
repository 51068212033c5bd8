import type { RequestMeta } from "@/lib/request-meta";
import type { EndUserSessionsOptions } from "@/lib/session/generation";
import type { PublicRole, PublicUser } from "@/lib/users";

export type { RequestMeta };

/**
 * Whom a new session belongs to. The role travels in the cookie under the cookie strategy.
 * `generation` is the user's session generation as read with the check that allowed this session
 * (password, current session): the session is created only while it is still the user's.
 */
export type SessionSubject = { id: string; role: PublicRole; generation: number };

/** A session as users see it (SPEC §4 `session`, minus `current`, which depends on the caller). */
export type SessionInfo = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
};

export type CookieToSend = { cookieValue: string; maxAgeSeconds: number };

/**
 * What the proxy learns from a valid cookie: enough to sign the identity headers, and, when the
 * cookie itself must change (a sealed cookie that slid or was sealed with an older secret), the
 * new one to send back.
 */
export type ValidatedSession = { sessionId: string; userId: string; role: PublicRole; refreshed?: CookieToSend };

export type NewSession = CookieToSend & { session: SessionInfo };

/** `generation`: the session generation this session was created under (lib/session/generation.ts). */
export type CurrentSession = { user: PublicUser; session: SessionInfo; generation: number };

/**
 * The one interface both strategies implement (SPEC §2). Methods throw only when the store
 * cannot be reached; every expected outcome is in the return type.
 */
export interface SessionStore {
  readonly strategy: "database" | "cookie";
  /**
   * Null when the user's session generation is no longer `subject.generation`: every session of
   * theirs was ended after the check that allowed this one (issue 10), so none is created.
   */
  createSession(subject: SessionSubject, meta: RequestMeta): Promise<NewSession | null>;
  /**
   * Runs in proxy.ts on every request: at most one indexed lookup (database; none when the
   * session cache holds it), none (cookie).
   * `checkRevocation` asks the cookie strategy for the database check it otherwise leaves to
   * loadCurrent; the proxy uses it where it must be sure (sending a user away from /login) and for
   * protected pages (an outage is a 503 from the proxy, not a page that fails to render).
   */
  validateSession(cookieValue: string, options?: { checkRevocation?: boolean }): Promise<ValidatedSession | null>;
  /**
   * Runs in the data-access function, after the proxy vouched for the claims: loads the user
   * (from the session cache when it can vouch, else one read), bound to the request's own cookie.
   */
  loadCurrent(claims: { userId: string; sessionId: string }, cookieValue: string | undefined): Promise<CurrentSession | null>;
  /** Ends the session the cookie names; says whose it was (for the audit log), null if none. */
  invalidateSession(cookieValue: string): Promise<{ userId: string; sessionId: string } | null>;
  /** Ends every session of the user: see lib/session/generation.ts. The new generation, or null. */
  invalidateUserSessions(userId: string, options?: EndUserSessionsOptions): Promise<number | null>;
  /** Only where the store knows every session of a user (database). */
  listUserSessions?(userId: string): Promise<SessionInfo[]>;
  /** Ends one of the user's sessions by public id; false when the user has none by that id. */
  invalidateUserSession?(userId: string, sessionId: string): Promise<boolean>;
}
