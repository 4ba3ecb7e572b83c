import { dirname, resolve } from 'node:path';
import { type CommandContext, type OptionSpec, stringOption } from '../command';
import { formatProblem, loadDeclarativeYamlWith } from '../declarative-file';
import { badInput } from '../exit-codes';
import { inlineGrpcFiles } from '../grpc-file-references';
import { requireOption } from '../input-values';

/** The control plane's limit for a declarative document; a bigger file is a mistake. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** The `-f FILE` option of the commands that read a declarative file. */
export const FILE_OPTION: OptionSpec = {
  type: 'string',
  short: 'f',
  value: 'FILE',
  description: 'declarative YAML file ("-" reads stdin)',
};

/**
 * The file `-f` names (exit 2 when missing, saying it is `what`) and its validated document.
 */
export async function readFileOption(
  ctx: CommandContext,
  what: string,
): Promise<{ file: string; document: Record<string, unknown> }> {
  const file = requireOption('-f/--file', stringOption(ctx, 'file'), what);
  return { file, document: await readDeclarativeFile(ctx, file) };
}

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
  return resolvePasswordEnv(ctx, loaded.document);
}

/**
 * Replaces each credential's `passwordEnv` with the `password` (and an hmac key's `secretEnv`
 * with the `secret`) read from that variable, so the file holds no secret and the control plane
 * never reads this machine's environment. A variable that is not set is exit 2, before any request.
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
      if (!isRecord(credential)) return credential;
      let resolved: Record<string, unknown> = credential;
      for (const [envField, target] of SECRET_FROM_ENV) {
        const name = resolved[envField];
        if (typeof name !== 'string') continue;
        const value = ctx.variable(name);
        if (value === undefined || value === '') {
          problems.push(
            `consumers[${i}].credentials[${j}].${envField}: environment variable ${name} is not set`,
          );
          continue;
        }
        const { [envField]: _read, ...rest } = resolved;
        resolved = { ...rest, [target]: value };
      }
      return resolved;
    });
    return { ...consumer, credentials };
  });
  if (problems.length > 0) throw badInput(...problems);
  return { ...document, consumers: resolved };
}

/** Fields naming an environment variable, and the field the CLI sends its value in. */
const SECRET_FROM_ENV = [
  ['passwordEnv', 'password'],
  ['secretEnv', 'secret'],
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
