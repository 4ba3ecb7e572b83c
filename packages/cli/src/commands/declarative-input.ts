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
  return resolvePasswordEnv(ctx, loaded.document);
}

/**
 * Replaces each credential's `passwordEnv` with the `password` read from that variable, so the
 * file holds no secret and the control plane (which hashes it) never reads this machine's
 * environment. A variable that is not set is exit 2, before any request.
 */
function resolvePasswordEnv(
  ctx: CommandContext,
  document: Record<string, unknown>,
): Record<string, unknown> {
  const consumers = document.consumers;
  if (!Array.isArray(consumers)) return document;
  const problems: string[] = [];
  const resolved = consumers.map((consumer: unknown, i) => {
    if (!isRecord(consumer) || !Array.isArray(consumer.credentials)) return consumer;
    const credentials = consumer.credentials.map((credential: unknown, j) => {
      if (!isRecord(credential) || typeof credential.passwordEnv !== 'string') return credential;
      const { passwordEnv, ...rest } = credential;
      const password = ctx.variable(passwordEnv);
      if (password === undefined || password === '') {
        problems.push(
          `consumers[${i}].credentials[${j}].passwordEnv: environment variable ${passwordEnv} is not set`,
        );
        return credential;
      }
      return { ...rest, password };
    });
    return { ...consumer, credentials };
  });
  if (problems.length > 0) throw badInput(...problems);
  return { ...document, consumers: resolved };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
