-- CreateEnum
CREATE TYPE "CredentialKind" AS ENUM ('basic', 'hmac', 'ed25519', 'mtls');

-- CreateTable
CREATE TABLE "consumer_credentials" (
    "id" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "kind" "CredentialKind" NOT NULL,
    "name" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "secretHash" TEXT,
    "secretSealed" TEXT,
    "publicKey" TEXT,
    "matchBy" TEXT,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consumer_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "consumer_credentials_consumerId_idx" ON "consumer_credentials"("consumerId");

-- CreateIndex
CREATE UNIQUE INDEX "consumer_credentials_kind_identifier_key" ON "consumer_credentials"("kind", "identifier");

-- AddForeignKey
ALTER TABLE "consumer_credentials" ADD CONSTRAINT "consumer_credentials_consumerId_fkey" FOREIGN KEY ("consumerId") REFERENCES "consumers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
