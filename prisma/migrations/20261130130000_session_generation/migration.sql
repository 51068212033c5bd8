-- Sessions end by generation (lib/session/generation.ts): a counter on the user that every
-- "end all sessions" moves on, compared with the one each session was created under. It replaces
-- the cookie strategy's sessionsRevokedAt instant, which raced with logins and with clock skew.
ALTER TABLE "User" ADD COLUMN "sessionGeneration" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "User" DROP COLUMN "sessionsRevokedAt";

-- Existing sessions belong to generation 0, the one every existing user now has. New rows must
-- always say which generation they were created under, so the column keeps no default.
ALTER TABLE "Session" ADD COLUMN "generation" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Session" ALTER COLUMN "generation" DROP DEFAULT;
