import { type CommandContext, type CommandSpec, printJson } from '../command';
import { formatAge } from '../format-time';
import { renderTable } from '../table';

export const statusCommand: CommandSpec = {
  path: ['status'],
  summary: 'Show data-plane nodes, the config version each runs, and which are stale',
  synopsis: 'status',
  positionals: [],
  options: {},
  details:
    'STALE: the node has not polled for config for over 90 s (the control plane decides).\nbehind: it runs an older version than the latest published one.',
  async run(ctx) {
    const { latestVersion, nodes } = await ctx.call((api) => api.dataPlanes.list.query());
    if (ctx.json) {
      printJson(ctx, { latestVersion, nodes });
      return;
    }
    if (nodes.length === 0) {
      ctx.io.writeOut(`${latestLine(latestVersion)}\nno data-plane nodes have reported yet\n`);
      return;
    }
    const now = ctx.io.now();
    const rows = nodes.map((node) => [
      node.id,
      node.hostname,
      String(node.appliedVersion),
      node.appliedHash ? node.appliedHash.slice(0, 12) : '-',
      formatAge(node.lastSeenAt, now),
      nodeState(ctx, node),
      node.lastError ?? '',
    ]);
    ctx.io.writeOut(`${latestLine(latestVersion)}\n`);
    ctx.io.writeOut(
      renderTable(
        ['node', 'hostname', 'version', 'sha256', 'last seen', 'state', 'last error'],
        rows,
      ),
    );
    const stale = nodes.filter((node) => node.stale).length;
    const behind = nodes.filter((node) => !node.stale && node.behind).length;
    ctx.io.writeOut(
      `${nodes.length} node${nodes.length === 1 ? '' : 's'}: ${stale} stale, ${behind} behind\n`,
    );
  },
};

function latestLine(latestVersion: number | null): string {
  return latestVersion === null
    ? 'no config version published yet'
    : `latest published version: ${latestVersion}`;
}

/** Stale (silent too long) outranks an error, which outranks running an old version. */
function nodeState(
  ctx: CommandContext,
  node: { stale: boolean; lastError: string | null; behind: boolean },
): string {
  if (node.stale) return ctx.style.red('STALE');
  if (node.lastError) return ctx.style.yellow('error');
  if (node.behind) return ctx.style.yellow('behind');
  return ctx.style.green('ok');
}
