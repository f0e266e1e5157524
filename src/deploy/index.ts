/** The deploy stage's public surface, for the CLI and for `brush` (generate → build → deploy). */
export { deployPlan, removePlan, statusPlan, describeStatus } from './deploy.js';
export type {
  AppDeployResult,
  AppRemoveResult,
  AppStatusRow,
  DeployAction,
  DeployEvent,
  DeployOptions,
  DeployOutcome,
  DeployResult,
  RemoveOptions,
  RemoveResult,
  StageOptions,
  StatusResult,
} from './deploy.js';
export { WadmClient } from './wadmClient.js';
export { openNats } from '../nats/connect.js';
export { resolveNatsSettings, describeSettings } from '../nats/settings.js';
export { SETTINGS } from '../common/settings.js';
export { PINNED_MANIFEST, MANIFEST_HASH_ANNOTATION } from './planFiles.js';
