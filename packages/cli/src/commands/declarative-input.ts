import { dirname, resolve } from 'node:path';
import type { CommandContext } from '../command';
import { formatProblem, loadDeclarativeYamlWith } from '../declarative-file';
import { badInput } from '../exit-codes';
import { inlineGrpcFiles } from '../grpc-file-references';

/** The control plane's limit for a declarative document; a bigger file is a mistake. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Reads and validates `-f FILE` (or stdin for `-`), inlining the proto and descriptor set files
 * it refers to (relative to the file's folder; stdin's are relative to the working directory);
 * any problem is exit 2, before any request.
 */
export async function readDeclarativeFile(
  ctx: CommandContext,
  path: string,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await ctx.io.readText(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badInput(`cannot read ${path}: ${reason}`);
  }
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
    throw badInput(`${path}: larger than 5 MB; split it or remove what is not configuration`);
  }
  const baseDir = path === '-' ? process.cwd() : dirname(resolve(path));
  const loaded = await loadDeclarativeYamlWith(text, inlineGrpcFiles(baseDir, ctx.io));
  if (!loaded.ok) {
    const name = path === '-' ? '<stdin>' : path;
    throw badInput(...loaded.problems.map((problem) => formatProblem(name, problem)));
  }
  return loaded.document;
}
