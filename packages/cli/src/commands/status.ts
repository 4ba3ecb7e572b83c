import { type CommandSpec, printJson } from '../command';
import { formatAge } from '../format-time';
import { renderTable } from '../table';

export const statusCommand: CommandSpec = {
  path: ['status'],
  summary: 'Show data-plane nodes, the config version each runs, and which are stale',
  synopsis: 'status',
  positionals: [],
  options: {},
  details: 'A node is stale when it has not reported for a while; the control plane decides.',
  async run(ctx) {
    const nodes = await ctx.call((api) => api.dataPlanes.list.query());
    if (ctx.json) {
      printJson(ctx, nodes);
      return;
    }
    if (nodes.length === 0) {
      ctx.io.writeOut('no data-plane nodes have reported yet\n');
      return;
    }
    const now = ctx.io.now();
    const rows = nodes.map((node) => [
      node.id,
      node.hostname,
      String(node.appliedVersion),
      node.appliedHash ? node.appliedHash.slice(0, 12) : '-',
      formatAge(node.lastSeenAt, now),
      node.stale
        ? ctx.style.red('STALE')
        : node.lastError
          ? ctx.style.yellow('error')
          : ctx.style.green('ok'),
      node.lastError ?? '',
    ]);
    ctx.io.writeOut(
      renderTable(
        ['node', 'hostname', 'version', 'sha256', 'last seen', 'state', 'last error'],
        rows,
      ),
    );
    const stale = nodes.filter((node) => node.stale).length;
    ctx.io.writeOut(`${nodes.length} node${nodes.length === 1 ? '' : 's'}, ${stale} stale\n`);
  },
};
