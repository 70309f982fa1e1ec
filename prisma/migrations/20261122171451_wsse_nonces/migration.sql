-- CreateTable
CREATE TABLE "WsseNonce" (
    "nonce" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WsseNonce_pkey" PRIMARY KEY ("nonce")
);

-- CreateIndex
CREATE INDEX "WsseNonce_expiresAt_idx" ON "WsseNonce"("expiresAt");
