-- AlterTable
ALTER TABLE "apis" ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];
