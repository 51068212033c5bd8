import type { Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import type { RequestMeta } from "@/lib/request-meta";
import type { SessionCache } from "@/lib/session/cache";
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

/**
 * `persistent`: the browser keeps the cookie for `maxAgeSeconds` ("remember me"); false makes it a
 * browser-session cookie (no Max-Age). Either way the server's idle and absolute limits decide.
 */
export type CookieToSend = { cookieValue: string; maxAgeSeconds: number; persistent: boolean };

/**
 * How the browser keeps a new session's cookie. Required, so that every session made for a device
 * that already has one (password change, sign out everywhere else) states whether it keeps its choice.
 */
export type NewSessionOptions = { persistent: boolean };

/**
 * What the proxy learns from a valid cookie: enough to sign the identity headers, and, when the
 * cookie itself must change (a sealed cookie that slid or was sealed with an older secret), the
 * new one to send back.
 */
export type ValidatedSession = { sessionId: string; userId: string; role: PublicRole; refreshed?: CookieToSend };

export type NewSession = CookieToSend & { session: SessionInfo };

/**
 * `generation`: the session generation this session was created under (lib/session/generation.ts).
 * `persistent`: its cookie's "remember me" choice, for a session that replaces it on this device.
 */
export type CurrentSession = { user: PublicUser; session: SessionInfo; generation: number; persistent: boolean };

/**
 * The one interface every strategy implements (SPEC §2). Methods throw only when the store
 * cannot be reached; every expected outcome is in the return type. What differs between
 * strategies is asked of the store, never inferred from its name.
 */
export interface SessionStore {
  /**
   * Whether listUserSessions shows every session of the user (true) or only the caller's own,
   * because nothing records the others (sealed cookies).
   */
  readonly listsAllSessions: boolean;
  /**
   * Null when the user's session generation is no longer `subject.generation`: every session of
   * theirs was ended after the check that allowed this one (issue 10), so none is created.
   */
  createSession(subject: SessionSubject, meta: RequestMeta, options: NewSessionOptions): Promise<NewSession | null>;
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
  /**
   * The user's live sessions for their sessions page, most recently used first; `current` is
   * the caller's own. Where listsAllSessions is false, just `current`.
   */
  listUserSessions(userId: string, current: SessionInfo): Promise<SessionInfo[]>;
  /**
   * Ends one of the user's sessions by public id; false when the store knows none of the user's
   * by that id (always, where sessions are not recorded: nothing says whose a seal is).
   */
  invalidateUserSession(userId: string, sessionId: string): Promise<boolean>;
  /**
   * Live sessions per user (not expired, not ended by a newer generation), for the admin page:
   * an entry for every id asked, 0 for none. Null where the store cannot count them.
   */
  countActiveSessions(userIds: readonly string[]): Promise<Map<string, number> | null>;
}

/** Rows a strategy's clean-up deleted, by kind: the keys of the clean-up report. */
export type CleanupCounts = { sessions?: number; revokedSessions?: number };

/** What a strategy's store is built from: lib/session/index.ts supplies it once per process. */
export type StoreDeps = { db: () => Db; env: Env; now: () => number; cache: SessionCache | undefined };

/**
 * A strategy as lib/session/index.ts registers it: one file (its store and its clean-up) and one
 * line in the registry there.
 */
export type SessionStrategy = {
  createStore(deps: StoreDeps): SessionStore;
  /**
   * Deletes this strategy's records that can never be valid again, as of `at`. Runs for every
   * registered strategy, not only the active one (a switch leaves the other's rows behind), so it
   * needs nothing but the database.
   */
  deleteExpired(db: Db, at: Date): Promise<CleanupCounts>;
};
