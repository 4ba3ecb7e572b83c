import type { CommandSpec, OptionSpec } from './command';
import { DEFAULT_CONTROL_URL } from './env';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: {
    type: 'string',
    value: 'URL',
    description: `control plane base URL (env PORTICO_URL, default ${DEFAULT_CONTROL_URL})`,
  },
  token: {
    type: 'string',
    value: 'TOKEN',
    description: 'personal access token (env PORTICO_TOKEN)',
  },
  json: { type: 'boolean', description: 'machine-readable JSON on stdout' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

const EXIT_CODES = [
  'Exit codes:',
  '  0  ok',
  '  1  the server refused or failed (network, 5xx, conflict, not found, unauthorised)',
  '  2  bad input (flags, file, schema, or a BAD_REQUEST from the server)',
].join('\n');

export function renderGlobalHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((command) => command.path.join(' ').length));
  const lines = commands.map(
    (command) => `  ${command.path.join(' ').padEnd(width)}  ${command.summary}`,
  );
  return [
    'portico: manage a Portico control plane from the command line',
    '',
    'Usage: portico <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    ...renderOptions(GLOBAL_OPTIONS),
    '',
    EXIT_CODES,
    '',
    "Run `portico <command> --help` for a command's options. Full reference: docs/cli.md",
    '',
  ].join('\n');
}

export function renderGroupHelp(group: string, commands: readonly CommandSpec[]): string {
  return [
    `Usage: portico ${group} <${commands.map((command) => command.path[1]).join('|')}> [options]`,
    '',
    ...commands.map((command) => `  portico ${command.synopsis}\n      ${command.summary}`),
    '',
  ].join('\n');
}

export function renderCommandHelp(command: CommandSpec): string {
  const sections = [`Usage: portico ${command.synopsis}`, '', command.summary];
  if (command.details) sections.push('', command.details);
  if (command.positionals.length > 0) {
    const width = Math.max(...command.positionals.map((p) => p.name.length));
    sections.push(
      '',
      'Arguments:',
      ...command.positionals.map((p) => `  ${p.name.padEnd(width)}  ${p.description}`),
    );
  }
  if (Object.keys(command.options).length > 0) {
    sections.push('', 'Options:', ...renderOptions(command.options));
  }
  sections.push('', 'Global options:', ...renderOptions(GLOBAL_OPTIONS), '', EXIT_CODES, '');
  return sections.join('\n');
}

function renderOptions(options: Record<string, OptionSpec>): string[] {
  const entries = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [flag, spec.description] as const;
  });
  const width = Math.max(...entries.map(([flag]) => flag.length));
  return entries.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
}
