import { recordAuthEvent } from "@/lib/audit";
import { getSessionStore, type CurrentSession, type NewSession, type RequestMeta, type SessionInfo } from "@/lib/session";

export type SessionList = {
  sessions: Array<SessionInfo & { current: boolean }>;
  current: string;
  /** False where the strategy records no sessions (sealed cookies): only this one is listed. */
  listsAllSessions: boolean;
};

export async function listSessions({ user, session }: CurrentSession): Promise<SessionList> {
  const store = getSessionStore();
  const sessions = await store.listUserSessions(user.id, session);
  return { sessions: sessions.map((s) => ({ ...s, current: s.id === session.id })), current: session.id, listsAllSessions: store.listsAllSessions };
}

export type RevokeResult = { ok: true; endedCurrent: boolean } | { ok: false; reason: "session-not-found" };

/** Ends one of the caller's sessions. Another user's session id is "not found", never "forbidden". */
export async function revokeSession(
  current: CurrentSession,
  cookieValue: string | undefined,
  sessionId: string,
  meta: RequestMeta,
): Promise<RevokeResult> {
  const store = getSessionStore();
  if (sessionId === current.session.id) {
    if (cookieValue) await store.invalidateSession(cookieValue);
    await recordAuthEvent("LOGOUT", { userId: current.user.id, meta, detail: { sessionId } });
    return { ok: true, endedCurrent: true };
  }
  if (!(await store.invalidateUserSession(current.user.id, sessionId))) return { ok: false, reason: "session-not-found" };
  await recordAuthEvent("SESSION_REVOKED", { userId: current.user.id, meta, detail: { sessionId } });
  return { ok: true, endedCurrent: false };
}

/**
 * Ends every session of the user. With `keepCurrent` ("sign out everywhere else") this device
 * gets a brand-new session instead, so a stolen copy of its old cookie dies too.
 */
export async function logoutEverywhere(
  current: CurrentSession,
  options: { keepCurrent: boolean; meta: RequestMeta },
): Promise<{ ok: true; newSession?: NewSession } | { ok: false; reason: "session-ended" }> {
  const store = getSessionStore();
  // Keeping this device needs this session to be live at the moment of the write: a stolen copy
  // looping "sign out everywhere else" must not outlive the owner's "sign out everywhere".
  const generation = await store.invalidateUserSessions(current.user.id, options.keepCurrent ? { ifGeneration: current.generation } : {});
  if (generation === null) return { ok: false, reason: "session-ended" };
  await recordAuthEvent("LOGOUT_ALL", { userId: current.user.id, meta: options.meta, detail: { scope: options.keepCurrent ? "others" : "all" } });
  if (!options.keepCurrent) return { ok: true };
  const newSession = await store.createSession({ ...current.user, generation }, options.meta, { persistent: current.persistent });
  return newSession ? { ok: true, newSession } : { ok: false, reason: "session-ended" };
}
