-- CreateEnum
CREATE TYPE "QuotaNotificationStatus" AS ENUM ('pending', 'delivered', 'failed', 'skipped');

-- CreateTable
CREATE TABLE "usage_minutes" (
    "minute" TIMESTAMP(3) NOT NULL,
    "apiId" TEXT NOT NULL,
    "routeId" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "statusClass" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "errorCount" INTEGER NOT NULL,
    "bytesIn" BIGINT NOT NULL,
    "bytesOut" BIGINT NOT NULL,
    "latencyBuckets" INTEGER[],

    CONSTRAINT "usage_minutes_pkey" PRIMARY KEY ("minute","apiId","routeId","consumerId","keyId","statusClass")
);

-- CreateTable
CREATE TABLE "usage_hours" (
    "hour" TIMESTAMP(3) NOT NULL,
    "apiId" TEXT NOT NULL,
    "routeId" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "statusClass" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "errorCount" INTEGER NOT NULL,
    "bytesIn" BIGINT NOT NULL,
    "bytesOut" BIGINT NOT NULL,
    "latencyBuckets" INTEGER[],

    CONSTRAINT "usage_hours_pkey" PRIMARY KEY ("hour","apiId","routeId","consumerId","keyId","statusClass")
);

-- CreateTable
CREATE TABLE "usage_error_minutes" (
    "minute" TIMESTAMP(3) NOT NULL,
    "apiId" TEXT NOT NULL,
    "routeId" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "errorCode" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "usage_error_minutes_pkey" PRIMARY KEY ("minute","apiId","routeId","consumerId","keyId","errorCode")
);

-- CreateTable
CREATE TABLE "analytics_batches" (
    "id" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "eventCount" INTEGER NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "analytics_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "request_log" (
    "requestId" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,
    "nodeId" TEXT NOT NULL,
    "apiId" TEXT,
    "routeId" TEXT,
    "serviceId" TEXT,
    "instance" TEXT,
    "consumerId" TEXT,
    "keyId" TEXT,
    "method" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "totalMs" DOUBLE PRECISION NOT NULL,
    "upstreamMs" DOUBLE PRECISION,
    "bytesIn" INTEGER NOT NULL,
    "bytesOut" INTEGER NOT NULL,
    "clientIp" TEXT,
    "errorCode" TEXT,
    "batchId" TEXT NOT NULL,

    CONSTRAINT "request_log_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "quota_notifications" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "threshold" INTEGER NOT NULL,
    "used" INTEGER NOT NULL,
    "quotaLimit" INTEGER NOT NULL,
    "webhookUrl" TEXT,
    "webhookStatus" "QuotaNotificationStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quota_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "usage_minutes_apiId_minute_idx" ON "usage_minutes"("apiId", "minute");

-- CreateIndex
CREATE INDEX "usage_minutes_consumerId_minute_idx" ON "usage_minutes"("consumerId", "minute");

-- CreateIndex
CREATE INDEX "usage_hours_apiId_hour_idx" ON "usage_hours"("apiId", "hour");

-- CreateIndex
CREATE INDEX "usage_hours_consumerId_hour_idx" ON "usage_hours"("consumerId", "hour");

-- CreateIndex
CREATE INDEX "usage_error_minutes_errorCode_minute_idx" ON "usage_error_minutes"("errorCode", "minute");

-- CreateIndex
CREATE INDEX "analytics_batches_processedAt_idx" ON "analytics_batches"("processedAt");

-- CreateIndex
CREATE INDEX "request_log_time_idx" ON "request_log"("time");

-- CreateIndex
CREATE INDEX "request_log_apiId_time_idx" ON "request_log"("apiId", "time");

-- CreateIndex
CREATE INDEX "request_log_consumerId_time_idx" ON "request_log"("consumerId", "time");

-- CreateIndex
CREATE INDEX "quota_notifications_consumerId_createdAt_idx" ON "quota_notifications"("consumerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "quota_notifications_subscriptionId_periodStart_threshold_key" ON "quota_notifications"("subscriptionId", "periodStart", "threshold");
