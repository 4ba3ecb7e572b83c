import { runCli } from './cli';
import { loadCliEnv, readEnvVariable } from './env';
import { createNodeIo } from './node-io';

// exitCode rather than process.exit(): stdout is flushed before the process ends, even when piped.
process.exitCode = await runCli(process.argv.slice(2), {
  io: createNodeIo(),
  loadEnv: loadCliEnv,
  readVariable: readEnvVariable,
});
