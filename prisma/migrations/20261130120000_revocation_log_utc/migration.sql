-- Session times are TIMESTAMP (without time zone) holding UTC wall time, as Prisma writes them.
-- Compared with now() (timestamptz) they were read in the session's TimeZone: on a database at
-- UTC+2 or more with a short idle timeout, no ended session was logged and every cache kept
-- serving it (issue 10). Compared with UTC wall time, the answer no longer depends on the zone.
-- The body is an E'' string with \073 for each semicolon, as in 20261123025912_revocation_log:
-- Prisma's driver-adapter engines split migration scripts at every semicolon.
CREATE OR REPLACE FUNCTION "cloakroom_log_ended_sessions"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "RevocationEvent" ("userId", "sessionId")
  SELECT "userId", "id" FROM ended
  WHERE "expiresAt" > (now() AT TIME ZONE ''UTC'') - interval ''1 hour''
    AND "absoluteExpiresAt" > (now() AT TIME ZONE ''UTC'') - interval ''1 hour''\073
  RETURN NULL\073
END';
