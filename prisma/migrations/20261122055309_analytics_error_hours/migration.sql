-- CreateTable
CREATE TABLE "usage_error_hours" (
    "hour" TIMESTAMP(3) NOT NULL,
    "apiId" TEXT NOT NULL,
    "routeId" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "errorCode" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "usage_error_hours_pkey" PRIMARY KEY ("hour","apiId","routeId","consumerId","keyId","errorCode")
);

-- CreateIndex
CREATE INDEX "usage_error_hours_errorCode_hour_idx" ON "usage_error_hours"("errorCode", "hour");
