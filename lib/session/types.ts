import type { PublicRole, PublicUser } from "@/lib/users";

/** What a browser sends and proxy.ts passes around: nothing here is trusted until validated. */
export type RequestMeta = { userAgent: string | null; ip: string | null };

/** A session as users see it (SPEC §4 `session`, minus `current`, which depends on the caller). */
export type SessionInfo = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
};

/** What the proxy learns from a valid cookie: enough to sign the identity headers. */
export type ValidatedSession = { sessionId: string; userId: string; role: PublicRole };

export type NewSession = { cookieValue: string; maxAgeSeconds: number; session: SessionInfo };

export type CurrentSession = { user: PublicUser; session: SessionInfo };

/**
 * The one interface both strategies implement (SPEC §2). Methods throw only when the store
 * cannot be reached; every expected outcome is in the return type.
 */
export interface SessionStore {
  readonly strategy: "database";
  createSession(userId: string, meta: RequestMeta): Promise<NewSession>;
  /** Runs in proxy.ts on every request: at most one indexed lookup. */
  validateSession(cookieValue: string): Promise<ValidatedSession | null>;
  /** Runs in the data-access function, after the proxy vouched for the session id. */
  loadCurrent(claims: { userId: string; sessionId: string }): Promise<CurrentSession | null>;
  invalidateSession(cookieValue: string): Promise<void>;
  invalidateUserSessions(userId: string, options?: { exceptSessionId?: string }): Promise<void>;
  listUserSessions(userId: string): Promise<SessionInfo[]>;
}
