/** What the server, the CLI and benchmarks may use. Everything else in core is internal. */
export { listAuditLog } from './audit/list-audit.ts';
export { type Config, loadConfig } from './config.ts';
export { findCustomers } from './customers/find-customers.ts';
export { type Customer360, getCustomer360, type Viewer } from './customers/get-customer-360.ts';
export {
  type CustomerList,
  type CustomerListQuery,
  countCustomers,
  listCustomers,
} from './customers/list-customers.ts';
export { type ConflictStatus, listMergeConflicts } from './customers/list-merge-conflicts.ts';
export { undoMerge } from './customers/undo-merge.ts';
export { createDb, type Db, type DbHandle, type Engine } from './db/create-db.ts';
export { migrateToLatest } from './db/migrate.ts';
export { openDatabase } from './db/open-database.ts';
export { vacuumDatabase } from './db/vacuum-database.ts';
export { DEFAULT_DEMO, type DemoOptions, generateDemoEvents } from './demo/generate-demo.ts';
export { DEMO_SLUG, type DemoLogin, ensureDemo } from './demo/load-demo.ts';
export {
  EVENT_KINDS,
  EventEnvelopeSchema,
  type EventInput,
  MAX_BATCH,
  PropertySchemas,
  SHOPS,
} from './events/event.schema.ts';
export { type EventOutcome, ingestEventBody, ingestEvents } from './events/ingest-events.ts';
export { prepareIdentity } from './events/prepare-event.ts';
export { IDENTITY_KINDS, type IdentityKind } from './identities/identity.schema.ts';
export { getImport, getImportProblems } from './imports/get-import.ts';
export { type ImportInput, type ImportResult, importFile } from './imports/import-file.ts';
export { createOperator, listOperators, setOperatorPassword } from './operators/create-operator.ts';
export { LOCKOUT, SESSION_HOURS } from './operators/lockout.ts';
export { PERMISSIONS, type Permission, ROLE_PERMISSIONS, ROLES, type Role } from './operators/roles.ts';
export { authenticateSession, type LoginInput, logIn, logOut } from './operators/sessions.ts';
export { getOverview, type Overview } from './overview/get-overview.ts';
export { getCustomerScores } from './scoring/get-customer-scores.ts';
export { getScoreDistribution, type ScoreDistribution } from './scoring/get-score-distribution.ts';
export { getScoringRun, getValueModel, listTagCounts, previewValueModel } from './scoring/get-scoring.ts';
export { listRankings } from './scoring/list-rankings.ts';
export { runUpkeep } from './scoring/maintain-aggregates.ts';
export type { RankingKind } from './scoring/rankings.queries.ts';
export { rebuildAggregates } from './scoring/rebuild-aggregates.ts';
export {
  type RescoreResult,
  RUN_STEPS,
  type RunStep,
  rescoreWorkspace,
} from './scoring/rescore-workspace.ts';
export { saveValueModel } from './scoring/save-value-model.ts';
export { findLifetimeFactors, type LifetimeFactors } from './scoring/scores.queries.ts';
export { scoringClock } from './scoring/scoring-clock.ts';
export { ACTIVITY_TAGS, DEFAULT_VALUE_MODEL, ValueModelSchema } from './scoring/value-model.schema.ts';
export { type CustomerSelection, CustomerSelectionSchema } from './segments/customer-selection.ts';
export {
  EXPORT_FORMATS,
  type ExportFormat,
  exportCustomers,
  exportSegment,
  type SegmentExport,
} from './segments/export-segment.ts';
export { FIELDS, FilterDocSchema, parseFilter } from './segments/filter.schema.ts';
export { filterCatalogue } from './segments/filter-catalogue.ts';
export {
  createSegment,
  deleteSegment,
  getSegment,
  listSegmentCustomers,
  listSegments,
  previewSegment,
  SegmentInputSchema,
  updateSegment,
} from './segments/manage-segments.ts';
export {
  createTagRule,
  deleteTagRule,
  listTagRules,
  TagRuleInputSchema,
  TagRuleUpdateSchema,
  updateTagRule,
} from './segments/manage-tag-rules.ts';
export { addManualTag, ManualTagSchema, removeManualTag } from './segments/manual-tags.ts';
export { AppError, type ErrorCode, ErrorCodes } from './shared/errors.ts';
export { progressBar } from './shared/progress-bar.ts';
export {
  ApiKeyInputSchema,
  authenticateApiKey,
  type Caller,
  createApiKey,
  LAST_USED_RESOLUTION_MS,
  listApiKeys,
  revokeApiKey,
} from './workspaces/api-keys.ts';
export { can, requirePermission } from './workspaces/caller.ts';
export { createWorkspace, getWorkspace, listWorkspaces } from './workspaces/create-workspace.ts';
export {
  getWorkspaceSettings,
  updateWorkspace,
  WorkspaceUpdateSchema,
} from './workspaces/update-workspace.ts';
export { DEFAULT_TIME_ZONE, isTimeZone, type Workspace } from './workspaces/workspace.ts';
