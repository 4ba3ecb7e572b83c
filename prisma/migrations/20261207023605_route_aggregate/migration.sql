-- AlterTable
ALTER TABLE "routes" ADD COLUMN     "aggregate" JSONB;
