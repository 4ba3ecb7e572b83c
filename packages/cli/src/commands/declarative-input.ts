import type { CommandContext } from '../command';
import { formatProblem, loadDeclarativeYaml } from '../declarative-file';
import { badInput } from '../exit-codes';

/** The control plane's limit for a declarative document; a bigger file is a mistake. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Reads and validates `-f FILE` (or stdin for `-`); any problem is exit 2, before any request. */
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
  const loaded = loadDeclarativeYaml(text);
  if (!loaded.ok) {
    const name = path === '-' ? '<stdin>' : path;
    throw badInput(...loaded.problems.map((problem) => formatProblem(name, problem)));
  }
  return loaded.document;
}
