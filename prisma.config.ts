import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Prisma's native schema engine is downloaded from a host many build machines cannot reach;
// the shim runs the same engine build as WebAssembly, so migrations work offline too.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve(
  import.meta.dirname,
  'tooling/prisma/schema-engine-shim.mjs',
);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/portico',
  },
});
