import type { Db } from '../db/create-db.ts';
import type { Workspace } from '../workspaces/workspace.ts';
import { compileFilter, filterContext } from './compile-filter.ts';
import { parseFilter } from './filter.schema.ts';
import { applyTagRule, listTagRuleRows, type TagRuleRow } from './tag-rules.queries.ts';

/**
 * Brings every rule tag of a workspace in line with its rule, for `customerIds` (null: everyone).
 * Called by the full rescore after the scores and derived tags are written, and by every ingested
 * batch for the customers it touched, so a rule tag follows an event like the derived tags do.
 * Rules never read rule tags (manage-tag-rules.ts refuses such filters), so their order is moot.
 */
export async function applyTagRules(
  db: Db,
  workspace: Workspace,
  customerIds: readonly number[] | null,
  now: Date,
  rules?: readonly TagRuleRow[],
) {
  if (customerIds !== null && customerIds.length === 0) {
    return;
  }
  const ctx = filterContext(workspace, now);
  for (const rule of rules ?? (await listTagRuleRows(db, workspace.id))) {
    const parsed = parseFilter(rule.filter);
    // A stored filter passed validation when it was saved. Should a later version of the language
    // refuse it, the rule is left as it stands rather than failing every ingested batch.
    if (parsed.ok) {
      await applyTagRule(db, workspace.id, rule, compileFilter(parsed.filter, ctx), now, customerIds);
    }
  }
}
