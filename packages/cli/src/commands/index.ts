import type { CommandSpec } from '../command';
import { applyCommand } from './apply';
import { diffCommand } from './diff';
import { dumpCommand } from './dump';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './keys';
import { publishCommand } from './publish';
import { statusCommand } from './status';
import { tokensCreateCommand } from './tokens';
import { usageCommand } from './usage';
import { versionsDiffCommand, versionsListCommand, versionsRollbackCommand } from './versions';

/** Every command, in the order `portico --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  applyCommand,
  diffCommand,
  dumpCommand,
  publishCommand,
  versionsListCommand,
  versionsDiffCommand,
  versionsRollbackCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  tokensCreateCommand,
  statusCommand,
  usageCommand,
];
