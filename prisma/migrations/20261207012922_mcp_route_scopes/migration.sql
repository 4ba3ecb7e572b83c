-- AlterTable
ALTER TABLE "apis" ADD COLUMN     "mcp" JSONB;

-- AlterTable
ALTER TABLE "plan_apis" ADD COLUMN     "routes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "request_log" ADD COLUMN     "tool" TEXT;
