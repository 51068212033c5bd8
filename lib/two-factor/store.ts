import { now } from "@/lib/clock";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { utcTimestamp } from "@/lib/sql-time";
import { generateSessionId, generateToken, hashToken, looksLikeToken } from "@/lib/token";
import { deriveKeys, openSecret, sealSecret, type SecretKey } from "./crypto";
import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode } from "./recovery";
import { matchTotpStep, newTotpSecret } from "./totp";

/**
 * The two-factor tables (TwoFactor, RecoveryCode, MfaChallenge). Every check that must hold once
 * only is one conditional statement, so two concurrent requests cannot both pass it.
 */

const MINUTE_MS = 60 * 1000;
/** A setup not confirmed within this is dead (SPEC §8 leaves it open; short, like the challenge). */
export const PENDING_SETUP_MS = 10 * MINUTE_MS;
/** SPEC §8: a pending challenge lives 10 minutes. */
export const CHALLENGE_MS = 10 * MINUTE_MS;
/** SPEC §8: 5 wrong codes and the challenge is dead. */
export const CHALLENGE_MAX_ATTEMPTS = 5;

let cachedKeys: { secrets: readonly string[]; keys: SecretKey[] } | undefined;
function keys(): SecretKey[] {
  const secrets = getEnv().sessionSecrets;
  if (cachedKeys?.secrets !== secrets) cachedKeys = { secrets, keys: deriveKeys(secrets) };
  return cachedKeys.keys;
}

type TwoFactorRow = { secretSealed: string; keyId: string; enabledAt: Date | null; pendingExpiresAt: Date | null; lastStep: number | null };

async function readRow(userId: string): Promise<TwoFactorRow | null> {
  return getDb().twoFactor.findUnique({
    where: { userId },
    select: { secretSealed: true, keyId: true, enabledAt: true, pendingExpiresAt: true, lastStep: true },
  });
}

/**
 * The row's secret. An enabled secret opened with an older key is re-sealed under the newest
 * (rotation); a pending one is left as it is, since its confirmation is conditional on the exact
 * sealed value it checked (and it dies within minutes anyway).
 */
async function openRow(userId: string, row: TwoFactorRow): Promise<string | null> {
  const opened = openSecret({ sealed: row.secretSealed, keyId: row.keyId }, userId, keys());
  if (!opened) {
    // Sealed under a key no longer in SESSION_SECRET (or tampered with): no code can match.
    console.error(`two-factor: the TOTP secret of user ${userId} cannot be opened with any key of SESSION_SECRET`);
    return null;
  }
  if (opened.stale && row.enabledAt !== null) {
    const fresh = sealSecret(opened.plaintext, userId, keys());
    await getDb().twoFactor.updateMany({
      where: { userId, secretSealed: row.secretSealed },
      data: { secretSealed: fresh.sealed, keyId: fresh.keyId },
    });
  }
  return opened.plaintext;
}

export type TwoFactorStatus = { enabled: boolean; recoveryCodesLeft: number };

export async function readTwoFactorStatus(userId: string): Promise<TwoFactorStatus> {
  const [row, codes] = await Promise.all([
    getDb().twoFactor.findUnique({ where: { userId }, select: { enabledAt: true } }),
    getDb().recoveryCode.count({ where: { userId } }),
  ]);
  const enabled = row?.enabledAt != null;
  return { enabled, recoveryCodesLeft: enabled ? codes : 0 };
}

export async function isTwoFactorEnabled(userId: string): Promise<boolean> {
  return (await readTwoFactorStatus(userId)).enabled;
}

/**
 * Starts (or restarts) a setup: a new secret, nothing active yet. Null when two-factor is already
 * on: the write is conditional on it, so a setup racing an enable cannot replace the live secret.
 */
export async function startPendingSetup(userId: string): Promise<string | null> {
  const secret = newTotpSecret();
  const { sealed, keyId } = sealSecret(secret, userId, keys());
  const t = now();
  const rows = await getDb().$queryRaw<Array<{ userId: string }>>`
    INSERT INTO "TwoFactor" ("userId", "secretSealed", "keyId", "createdAt", "pendingExpiresAt", "enabledAt", "lastStep")
    VALUES (${userId}, ${sealed}, ${keyId}, ${utcTimestamp(t)}, ${utcTimestamp(t + PENDING_SETUP_MS)}, NULL, NULL)
    ON CONFLICT ("userId") DO UPDATE SET
      "secretSealed" = EXCLUDED."secretSealed", "keyId" = EXCLUDED."keyId", "createdAt" = EXCLUDED."createdAt",
      "pendingExpiresAt" = EXCLUDED."pendingExpiresAt", "lastStep" = NULL
    WHERE "TwoFactor"."enabledAt" IS NULL
    RETURNING "userId"`;
  return rows.length === 1 ? secret : null;
}

/** The secret of a live, unconfirmed setup; null when none, expired, or two-factor is on. */
export async function readPendingSecret(userId: string): Promise<string | null> {
  const row = await readRow(userId);
  if (!row || row.enabledAt !== null || row.pendingExpiresAt === null || row.pendingExpiresAt.getTime() <= now()) return null;
  return openRow(userId, row);
}

/**
 * Confirms the pending setup with a code of its secret: two-factor is on from then, and the code's
 * step counts as used (SPEC §8). Returns the new recovery codes (shown this once), or null for a
 * wrong code or no live setup. Conditional on the very secret the code was checked against.
 */
export async function confirmPendingSetup(userId: string, code: string): Promise<string[] | null> {
  const row = await readRow(userId);
  const t = now();
  if (!row || row.enabledAt !== null || row.pendingExpiresAt === null || row.pendingExpiresAt.getTime() <= t) return null;
  const secret = await openRow(userId, row);
  if (secret === null) return null;
  const step = await matchTotpStep(secret, code, t);
  if (step === null) return null;
  const codes = newRecoveryCodes();
  const db = getDb();
  const enabled = await db.$transaction(async (tx) => {
    const updated = await tx.$executeRaw`
      UPDATE "TwoFactor" SET "enabledAt" = ${utcTimestamp(t)}, "pendingExpiresAt" = NULL, "lastStep" = ${step}
      WHERE "userId" = ${userId} AND "enabledAt" IS NULL AND "pendingExpiresAt" > ${utcTimestamp(t)}
        AND "secretSealed" = ${row.secretSealed}`;
    if (updated !== 1) return false;
    await writeRecoveryCodes(tx, userId, codes);
    return true;
  });
  return enabled ? codes : null;
}

async function writeRecoveryCodes(tx: Prisma.TransactionClient, userId: string, codes: readonly string[]): Promise<void> {
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({
    data: codes.map((code) => ({ id: generateSessionId(), userId, codeHash: hashRecoveryCode(normaliseRecoveryCode(code)!) })),
  });
}

/** A new set of recovery codes; the old set dies in the same transaction. Null when two-factor is off. */
export async function replaceRecoveryCodes(userId: string): Promise<string[] | null> {
  const codes = newRecoveryCodes();
  const replaced = await getDb().$transaction(async (tx) => {
    // Locks the row: two regenerations at once run one after the other, so the second deletes
    // the first's set (under READ COMMITTED its DELETE would not see rows inserted meanwhile).
    const on = await tx.$queryRaw<Array<{ userId: string }>>`
      SELECT "userId" FROM "TwoFactor" WHERE "userId" = ${userId} AND "enabledAt" IS NOT NULL FOR UPDATE`;
    if (on.length === 0) return false;
    await writeRecoveryCodes(tx, userId, codes);
    return true;
  });
  return replaced ? codes : null;
}

/**
 * Checks a TOTP code of an enabled user and uses its step up: accepted only if its step is later
 * than the last accepted one, in one conditional UPDATE, so of two concurrent requests with one
 * code exactly one passes, and an older or the same code is refused (SPEC §8; NIST SP 800-63B
 * §5.1.4.2 / §5.2.8: single use, replay resistance).
 */
export async function consumeTotpCode(userId: string, code: string): Promise<boolean> {
  const row = await readRow(userId);
  if (!row || row.enabledAt === null) return false;
  const secret = await openRow(userId, row);
  if (secret === null) return false;
  const step = await matchTotpStep(secret, code, now());
  if (step === null) return false;
  const used = await getDb().$executeRaw`
    UPDATE "TwoFactor" SET "lastStep" = ${step}
    WHERE "userId" = ${userId} AND "enabledAt" IS NOT NULL AND ("lastStep" IS NULL OR "lastStep" < ${step})`;
  return used === 1;
}

/**
 * Uses a recovery code up: one DELETE … RETURNING, so a code works once even for two concurrent
 * requests. Returns how many codes are left, or null for an unknown or used code.
 */
export async function consumeRecoveryCode(userId: string, input: string): Promise<{ left: number } | null> {
  const canonical = normaliseRecoveryCode(input);
  if (canonical === null) return null;
  const rows = await getDb().$queryRaw<Array<{ id: string }>>`
    DELETE FROM "RecoveryCode" r USING "TwoFactor" f
    WHERE r."userId" = ${userId} AND r."codeHash" = ${hashRecoveryCode(canonical)}
      AND f."userId" = r."userId" AND f."enabledAt" IS NOT NULL
    RETURNING r.id`;
  if (rows.length !== 1) return null;
  return { left: await getDb().recoveryCode.count({ where: { userId } }) };
}

/** Turns two-factor off: secret, recovery codes and pending challenges go. Whether it was on. */
export async function removeTwoFactor(userId: string): Promise<boolean> {
  const db = getDb();
  const [, , removed] = await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.mfaChallenge.deleteMany({ where: { userId } }),
    db.twoFactor.deleteMany({ where: { userId, enabledAt: { not: null } } }),
  ]);
  return removed.count === 1;
}

// ——— Pending login challenges ———

export type ChallengeSubject = { userId: string; generation: number; next: string | null; remember: boolean };

/** A new challenge for a login whose password was right. Returns the cookie's token. */
export async function createChallenge(subject: ChallengeSubject): Promise<string> {
  const token = generateToken();
  const t = now();
  await getDb().mfaChallenge.create({
    data: {
      tokenHash: hashToken(token),
      userId: subject.userId,
      generation: subject.generation,
      next: subject.next,
      remember: subject.remember,
      createdAt: new Date(t),
      expiresAt: new Date(t + CHALLENGE_MS),
    },
  });
  return token;
}

export type LiveChallenge = ChallengeSubject & { email: string; attempts: number };

// A challenge is live while unexpired, under its attempt limit, and while the user's session
// generation is the one of the login: logout-all, a password change or reset and turning
// two-factor off all move it on, so a challenge made before any of them is dead by itself.
const live = (token: string, t: number) => Prisma.sql`
  c."tokenHash" = ${hashToken(token)} AND c."expiresAt" > ${utcTimestamp(t)}
  AND u.id = c."userId" AND u."sessionGeneration" = c.generation AND c.attempts < ${CHALLENGE_MAX_ATTEMPTS}`;

/**
 * Takes one attempt of the challenge before a code is checked (like the rate limiter's holds): of
 * any number of concurrent guesses at most 5 in all are ever checked. Null when the challenge is
 * unknown, expired, used up or dead.
 */
export async function takeChallengeAttempt(token: string | undefined): Promise<LiveChallenge | null> {
  if (!token || !looksLikeToken(token)) return null;
  const t = now();
  const rows = await getDb().$queryRaw<LiveChallenge[]>`
    UPDATE "MfaChallenge" c SET attempts = c.attempts + 1
    FROM "User" u
    WHERE ${live(token, t)}
    RETURNING c."userId", c.generation, c.next, c.remember, c.attempts, u.email`;
  return rows[0] ?? null;
}

/** Whether the token names a live challenge with attempts left; uses nothing. */
export async function isChallengeLive(token: string | undefined): Promise<boolean> {
  if (!token || !looksLikeToken(token)) return false;
  const rows = await getDb().$queryRaw<Array<{ one: number }>>`
    SELECT 1 AS one FROM "MfaChallenge" c, "User" u WHERE ${live(token, now())}`;
  return rows.length > 0;
}

/** Ends the challenge (success, or its last attempt failed). Whether this call was the one that did. */
export async function endChallenge(token: string): Promise<boolean> {
  const { count } = await getDb().mfaChallenge.deleteMany({ where: { tokenHash: hashToken(token) } });
  return count === 1;
}

/** Every pending challenge of the user (two-factor turned off, an admin's reset). */
export async function endUserChallenges(userId: string): Promise<void> {
  await getDb().mfaChallenge.deleteMany({ where: { userId } });
}

/** Clean-up: challenges and unconfirmed setups past their expiry. */
export async function deleteExpiredTwoFactorRows(at: Date): Promise<{ mfaChallenges: number; pendingSetups: number }> {
  const db = getDb();
  const [challenges, setups] = await Promise.all([
    db.mfaChallenge.deleteMany({ where: { expiresAt: { lte: at } } }),
    db.twoFactor.deleteMany({ where: { enabledAt: null, pendingExpiresAt: { lte: at } } }),
  ]);
  return { mfaChallenges: challenges.count, pendingSetups: setups.count };
}
