-- "Remember me" (issue 12, item 9): whether a session's cookie is persistent (Max-Age until the
-- absolute lifetime) or a browser-session cookie. Kept on the row so that a session replacing
-- this one on its device (password change, sign out everywhere else) keeps the choice.
-- Additive only: every existing session was persistent, and so are the rows the version still
-- serving while a deploy runs this writes.
ALTER TABLE "Session" ADD COLUMN "persistent" BOOLEAN NOT NULL DEFAULT true;
