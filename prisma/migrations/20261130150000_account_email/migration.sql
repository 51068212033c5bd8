-- Account email (SPEC §7): verification state on the user, and the tokens sent by mail.
-- Additive only: the version still serving while a deploy runs this keeps working.
ALTER TYPE "AuthEventType" ADD VALUE 'EMAIL_VERIFICATION_SENT';
ALTER TYPE "AuthEventType" ADD VALUE 'EMAIL_VERIFIED';
ALTER TYPE "AuthEventType" ADD VALUE 'PASSWORD_RESET_REQUESTED';
ALTER TYPE "AuthEventType" ADD VALUE 'PASSWORD_RESET';
ALTER TYPE "AuthEventType" ADD VALUE 'EMAIL_CHANGE_REQUESTED';
ALTER TYPE "AuthEventType" ADD VALUE 'EMAIL_CHANGED';

ALTER TABLE "User" ADD COLUMN "emailVerifiedAt" TIMESTAMP(3);

CREATE TYPE "EmailTokenKind" AS ENUM ('VERIFY_EMAIL', 'RESET_PASSWORD', 'CHANGE_EMAIL');

CREATE TABLE "EmailToken" (
    "id" TEXT NOT NULL,
    "kind" "EmailTokenKind" NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "newEmail" TEXT,
    "passwordStamp" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmailToken_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "EmailToken_tokenHash_key" ON "EmailToken"("tokenHash");
CREATE INDEX "EmailToken_expiresAt_idx" ON "EmailToken"("expiresAt");
CREATE UNIQUE INDEX "EmailToken_userId_kind_key" ON "EmailToken"("userId", "kind");

ALTER TABLE "EmailToken" ADD CONSTRAINT "EmailToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
