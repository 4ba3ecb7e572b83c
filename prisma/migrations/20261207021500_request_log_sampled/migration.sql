-- AlterTable
ALTER TABLE "request_log" ADD COLUMN     "sampled" BOOLEAN NOT NULL DEFAULT false;
