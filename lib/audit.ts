import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { AuthEventType } from "@/lib/generated/prisma/client";
import type { RequestMeta } from "@/lib/request-meta";

// OWASP ASVS V7.2: log authentication decisions with who, from where and when; never secrets
// (no passwords, tokens or cookie values: detail holds public ids and roles only).

export type AuthEventDetail = { sessionId?: string; role?: string; by?: string; scope?: string };

export type AuthEventView = {
  id: string;
  type: AuthEventType;
  ip: string | null;
  userAgent: string | null;
  detail: AuthEventDetail | null;
  createdAt: Date;
};

export async function recordAuthEvent(
  type: AuthEventType,
  event: { userId?: string | null; meta?: RequestMeta; detail?: AuthEventDetail },
): Promise<void> {
  await getDb().authEvent.create({
    data: {
      type,
      userId: event.userId ?? null,
      ip: event.meta?.ip ?? null,
      userAgent: event.meta?.userAgent?.slice(0, 512) ?? null,
      detail: event.detail ?? undefined,
      createdAt: new Date(now()),
    },
  });
}

export async function recentAuthEvents(userId: string, take = 50): Promise<AuthEventView[]> {
  const events = await getDb().authEvent.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, type: true, ip: true, userAgent: true, detail: true, createdAt: true },
  });
  return events.map((e) => ({ ...e, detail: (e.detail as AuthEventDetail | null) ?? null }));
}

/** The oldest instant an event is kept for (AUDIT_RETENTION_DAYS). */
export function auditCutoff(): Date {
  return new Date(now() - getEnv().auditRetentionDays * 24 * 60 * 60 * 1000);
}

export const AUTH_EVENT_LABELS: Record<AuthEventType, string> = {
  SIGNUP: "Account created",
  LOGIN_SUCCESS: "Signed in",
  LOGIN_FAILURE: "Failed sign-in attempt",
  LOGOUT: "Signed out",
  LOGOUT_ALL: "Signed out everywhere",
  PASSWORD_CHANGED: "Password changed",
  SESSION_REVOKED: "Session signed out remotely",
  ROLE_CHANGED: "Role changed",
  RATE_LIMITED: "Blocked: too many attempts",
  EMAIL_VERIFICATION_SENT: "Verification link sent",
  EMAIL_VERIFIED: "Email address verified",
  PASSWORD_RESET_REQUESTED: "Password reset requested",
  PASSWORD_RESET: "Password reset by email link",
  EMAIL_CHANGE_REQUESTED: "Email change requested",
  EMAIL_CHANGED: "Email address changed",
  MFA_SETUP_STARTED: "Two-factor setup started",
  MFA_ENABLED: "Two-factor authentication turned on",
  MFA_DISABLED: "Two-factor authentication turned off",
  MFA_CHALLENGE_STARTED: "Password accepted, two-factor code asked",
  MFA_CHALLENGE_FAILED: "Wrong two-factor code",
  MFA_RECOVERY_CODE_USED: "Recovery code used",
  MFA_RECOVERY_CODES_REGENERATED: "New recovery codes generated",
  MFA_RESET_BY_ADMIN: "Two-factor authentication turned off by an admin",
};
