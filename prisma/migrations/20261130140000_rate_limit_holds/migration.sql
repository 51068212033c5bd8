-- Attempts held before their password check (lib/rate-limit/types.ts): a burst of parallel
-- attempts can no longer all pass a limit that was only read. Additive, like every migration a
-- deploy runs while the previous version still serves.
ALTER TABLE "RateLimit" ADD COLUMN "pending" INTEGER NOT NULL DEFAULT 0;
