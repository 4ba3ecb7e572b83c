/** What the control plane's /dp/v1 sync endpoints and entity mutations need from this package. */

/** Publishing and declarative apply, for scripts (demo seed) and the sync tests that publish. */
export { applyDeclarative, parseDeclarativeDocument } from '../services/config/declarative-apply';
export { publishDraft } from '../services/config/publish';
export {
  CHANGES_CHANNEL,
  logConsumerChange,
  logCredentialChange,
  logKeyChange,
  logSubscriptionChange,
} from './credential-log';
export {
  authenticateDataPlaneToken,
  type DataPlaneTokenCheck,
  NODE_ID_PATTERN,
  recordNodeStatus,
  touchDataPlaneNode,
} from './data-plane-nodes';
export { pruneCredentialLog } from './prune-credential-log';
export {
  type CredentialOpening,
  computeSyncAnswer,
  loadChangesSince,
  loadCredentialSet,
  loadPublishedConfig,
  MAX_DELTA_CHANGES,
  PublishedSnapshotCache,
  type SyncAnswerDeps,
} from './sync-answer';
