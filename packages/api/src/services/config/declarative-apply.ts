import { type DeclarativeConfig, formatIssues, ZDeclarativeConfig } from '@portico/config';
import type { Db } from '@portico/db';
import { parse as parseYaml } from 'yaml';
import { type AuditContext, recordAudit } from '../../audit/record-audit';
import { grpcSettingsProblem } from '../services/grpc-schema-check';
import { PorticoError } from '../shared/domain-errors';
import { lockConfig } from './config-lock';
import { reconcile } from './declarative-reconcile';
import { loadDraftSnapshot } from './draft-snapshot';
import { CONFIG_TX_OPTIONS } from './publish';
import { latestVersionHeader, type PublishedVersion, writeVersion } from './write-version';

export type ChangeKind = 'registry' | 'service' | 'api' | 'plan' | 'consumer';
export interface AppliedChange {
  kind: ChangeKind;
  name: string;
  action: 'create' | 'update' | 'delete';
}

export interface ApplyResult {
  changes: AppliedChange[];
  published: PublishedVersion | null;
  /** True when the resulting draft differs from the latest published version (what a real run publishes). */
  wouldPublish: boolean;
  dryRun: boolean;
}

export interface ApplyContext extends AuditContext {
  secretKey: Buffer;
}

/** Thrown to roll a dry run back after computing its result. */
class DryRunRollback extends Error {
  constructor(readonly result: ApplyResult) {
    super('dry run');
  }
}

/** Reads the document (parsed object, or YAML/JSON text) into the file schema, or a BAD_REQUEST naming the field. */
export function parseDeclarativeDocument(document: unknown): DeclarativeConfig {
  let raw = document;
  if (typeof document === 'string') {
    try {
      raw = parseYaml(document) ?? {};
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PorticoError('CTL_INVALID_INPUT', `document: not valid YAML or JSON: ${reason}`);
    }
  }
  const parsed = ZDeclarativeConfig.safeParse(raw);
  if (!parsed.success) {
    throw new PorticoError(
      'CTL_INVALID_INPUT',
      `document is not a valid Portico config: ${formatIssues(parsed.error).join('; ')}`,
    );
  }
  // gRPC schemas are compiled before anything is written, so a bad proto changes nothing.
  const grpcProblems = parsed.data.services.flatMap((service, index) => {
    const problem = grpcSettingsProblem(service.name, service);
    return problem === null ? [] : [`services[${index}].${problem}`];
  });
  if (grpcProblems.length > 0) {
    throw new PorticoError(
      'CTL_INVALID_INPUT',
      `document is not a valid Portico config: ${grpcProblems.join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * Makes the draft equal to `doc` (create/update/delete by name, in dependency order) and publishes
 * when the result differs from the latest version, all in ONE transaction: any failure leaves the
 * database exactly as it was. The same document applied twice changes and publishes nothing.
 */
export async function applyDeclarative(
  db: Db,
  ctx: ApplyContext,
  input: { document: DeclarativeConfig; dryRun: boolean; message?: string | undefined },
): Promise<ApplyResult> {
  const doc = input.document;
  try {
    return await db.$transaction(async (tx) => {
      await lockConfig(tx);
      const changes = await reconcile(tx, ctx, doc);
      const draft = await loadDraftSnapshot(tx);
      if (!draft.ok) {
        throw new PorticoError(
          'CTL_INVALID_INPUT',
          `the document does not make a valid config, nothing was changed: ${draft.issues.join('; ')}`,
        );
      }
      const latest = await latestVersionHeader(tx);
      const wouldPublish = latest?.hash !== draft.hash;
      if (input.dryRun)
        throw new DryRunRollback({ changes, published: null, wouldPublish, dryRun: true });
      const published = wouldPublish
        ? await writeVersion(tx, ctx, {
            snapshot: draft.snapshot,
            hash: draft.hash,
            message: input.message ?? `apply: ${changes.length} change(s)`,
          })
        : null;
      if (changes.length > 0 || published) {
        await recordAudit(tx, ctx, {
          action: 'config.apply',
          targetType: 'config',
          targetId: null,
          after: { changes, published },
        });
      }
      return { changes, published, wouldPublish, dryRun: false };
    }, CONFIG_TX_OPTIONS);
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    throw error;
  }
}
