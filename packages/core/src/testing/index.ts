/** Test helpers for other packages' tests: a fresh database per file, table snapshots. */
export { snapshotTables } from './snapshot.ts';
export { createTestDb, createTestWorkspace, TEST_SECRET } from './test-db.ts';
