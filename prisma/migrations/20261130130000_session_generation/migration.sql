-- Sessions end by generation (lib/session/generation.ts): a counter on the user that every
-- "end all sessions" moves on, compared with the one each session was created under. It replaces
-- the cookie strategy's sessionsRevokedAt instant, which raced with logins and with clock skew.
-- Additive only, so the version still serving while a deploy runs this keeps working: existing
-- users and sessions are generation 0, rows that version writes default to 0, and the unused
-- sessionsRevokedAt column is dropped by a later release.
ALTER TABLE "User" ADD COLUMN "sessionGeneration" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Session" ADD COLUMN "generation" INTEGER NOT NULL DEFAULT 0;
