import type { CommandContext } from '../command';
import { formatProblem, loadDeclarativeYaml } from '../declarative-file';
import { badInput } from '../exit-codes';

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
  const loaded = loadDeclarativeYaml(text);
  if (!loaded.ok) {
    const name = path === '-' ? '<stdin>' : path;
    throw badInput(...loaded.problems.map((problem) => formatProblem(name, problem)));
  }
  return loaded.document;
}
