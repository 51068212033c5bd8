-- CreateTable
CREATE TABLE "RevocationEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "userId" TEXT NOT NULL,
    "sessionId" TEXT,

    CONSTRAINT "RevocationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RevocationEvent_at_idx" ON "RevocationEvent"("at");

-- Triggers write the log (lib/session/cache.ts reads it): whatever ends a session or changes a
-- user, from the app or by hand, every instance's cache hears of it within a second.
-- The function bodies are E'' strings with \073 for each semicolon: Prisma's driver-adapter engines
-- split migration scripts at every semicolon, dollar quotes or not, and this must apply with either.

-- A session ends (logout, revocation, eviction, clean-up). Sessions that expired over an hour
-- ago are left out: no cache can still hold them as live, and a daily clean-up of many expired
-- rows would otherwise flood the log.
CREATE FUNCTION "cloakroom_log_ended_sessions"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "RevocationEvent" ("userId", "sessionId")
  SELECT "userId", "id" FROM ended
  WHERE "expiresAt" > now() - interval ''1 hour'' AND "absoluteExpiresAt" > now() - interval ''1 hour''\073
  RETURN NULL\073
END';

CREATE TRIGGER "Session_log_ended" AFTER DELETE ON "Session"
  REFERENCING OLD TABLE AS ended FOR EACH STATEMENT EXECUTE FUNCTION "cloakroom_log_ended_sessions"();

-- A session shortened, moved or re-keyed by hand. Sliding expiry only lengthens, so the app's own
-- updates (last seen, extension) log nothing.
CREATE FUNCTION "cloakroom_log_changed_session"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "RevocationEvent" ("userId", "sessionId") VALUES (OLD."userId", OLD."id")\073
  RETURN NULL\073
END';

CREATE TRIGGER "Session_log_changed" AFTER UPDATE ON "Session" FOR EACH ROW
  WHEN (NEW."expiresAt" < OLD."expiresAt" OR NEW."absoluteExpiresAt" < OLD."absoluteExpiresAt"
        OR NEW."userId" IS DISTINCT FROM OLD."userId" OR NEW."tokenHash" IS DISTINCT FROM OLD."tokenHash"
        OR NEW."id" IS DISTINCT FROM OLD."id")
  EXECUTE FUNCTION "cloakroom_log_changed_session"();

-- Cookie strategy: one sealed cookie logged out.
CREATE FUNCTION "cloakroom_log_revoked_session"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "RevocationEvent" ("userId", "sessionId") VALUES (NEW."userId", NEW."id")\073
  RETURN NULL\073
END';

CREATE TRIGGER "RevokedSession_log" AFTER INSERT ON "RevokedSession" FOR EACH ROW
  EXECUTE FUNCTION "cloakroom_log_revoked_session"();

-- A user changed (role, password, sessionsRevokedAt, profile) or deleted: every cached session
-- and user row of theirs goes.
CREATE FUNCTION "cloakroom_log_changed_user"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "RevocationEvent" ("userId") VALUES (OLD."id")\073
  RETURN NULL\073
END';

CREATE TRIGGER "User_log_changed" AFTER UPDATE ON "User" FOR EACH ROW
  WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION "cloakroom_log_changed_user"();

CREATE TRIGGER "User_log_deleted" AFTER DELETE ON "User" FOR EACH ROW
  EXECUTE FUNCTION "cloakroom_log_changed_user"();
