-- CreateTable
CREATE TABLE "SignInThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastFailureAt" TIMESTAMPTZ(3) NOT NULL,
    "blockedUntil" TIMESTAMPTZ(3),

    CONSTRAINT "SignInThrottle_pkey" PRIMARY KEY ("key")
);

-- The per-account lock is gone (a stranger could lock a lawyer out by typing wrong passwords): release any in force.
UPDATE "User" SET "failedLogins" = 0, "lockedUntil" = NULL WHERE "lockedUntil" IS NOT NULL OR "failedLogins" > 0;
